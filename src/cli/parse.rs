//! Value parsers shared by the command-line definitions: QoS, sizes, counts, durations,
//! `k=v` pairs. Each returns a message that names what was wrong.
use std::time::Duration;

use crate::protocol::QoS;

pub fn qos(s: &str) -> Result<QoS, String> {
    match s {
        "0" => Ok(QoS::AtMostOnce),
        "1" => Ok(QoS::AtLeastOnce),
        "2" => Ok(QoS::ExactlyOnce),
        _ => Err(format!("invalid QoS '{s}': expected 0, 1 or 2")),
    }
}

/// A duration: humantime (`500ms`, `2s`, `1m30s`) or a bare number of seconds (`1.5`).
pub fn duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if secs.is_finite() && (0.0..1e12).contains(&secs) {
            return Ok(Duration::from_secs_f64(secs));
        }
        return Err(format!("invalid duration '{s}'"));
    }
    humantime::parse_duration(t).map_err(|e| format!("invalid duration '{s}': {e}"))
}

/// A replay speed: `2x`, `0.5x`, `1` or `max`.
pub fn speed(s: &str) -> Result<super::pubsub::Speed, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("max") {
        return Ok(super::pubsub::Speed::Max);
    }
    let num = t.strip_suffix(['x', 'X']).unwrap_or(t);
    match num.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 && f <= 1e6 => Ok(super::pubsub::Speed::Factor(f)),
        _ => Err(format!(
            "invalid speed '{s}': expected a factor above 0 such as 2x or 0.5x, or max"
        )),
    }
}

/// `--loop`: a count (at least 1) or `forever`.
pub fn loops(s: &str) -> Result<super::pubsub::Loops, String> {
    if s.trim().eq_ignore_ascii_case("forever") {
        return Ok(super::pubsub::Loops::Forever);
    }
    match count(s) {
        Ok(n) if n > 0 => Ok(super::pubsub::Loops::Times(n)),
        _ => Err(format!(
            "invalid loop count '{s}': expected N (1 or more) or forever"
        )),
    }
}

/// `--start-at`: an RFC 3339 time (`2026-12-02T05:00:00Z`) or a duration from the first
/// record (`90s`).
pub fn start_at(s: &str) -> Result<super::pubsub::StartAt, String> {
    let t = s.trim();
    if let Ok(time) = humantime::parse_rfc3339_weak(t) {
        return Ok(super::pubsub::StartAt::Time(time));
    }
    duration(t).map(super::pubsub::StartAt::Offset).map_err(|_| {
        format!("invalid start '{s}': expected a time such as 2026-12-02T05:00:00Z or an offset such as 90s")
    })
}

/// Seconds as a u16 (keep alive): `60`, `1m`, `0` disables.
pub fn seconds_u16(s: &str) -> Result<u16, String> {
    let d = duration(s)?;
    u16::try_from(d.as_secs()).map_err(|_| format!("'{s}' is more than 65535 seconds"))
}

/// Seconds as a u32 (session expiry, message expiry, will delay). `never` = u32::MAX.
pub fn seconds_u32(s: &str) -> Result<u32, String> {
    if s == "never" || s == "max" {
        return Ok(u32::MAX);
    }
    let d = duration(s)?;
    u32::try_from(d.as_secs()).map_err(|_| format!("'{s}' is more than 4294967295 seconds"))
}

fn split_number(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    (&s[..end], s[end..].trim())
}

/// A byte size: `512`, `1KiB`, `1KB` (1000), `2.5MiB`, `1k` (1024), `1G`.
pub fn size(s: &str) -> Result<u64, String> {
    let (num, unit) = split_number(s.trim());
    let n: f64 = num.parse().map_err(|_| {
        format!("invalid size '{s}': expected a number with an optional unit such as 1KiB")
    })?;
    let mult: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "kb" => 1000.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "mb" => 1e6,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "gb" => 1e9,
        _ => {
            return Err(format!(
                "invalid size unit in '{s}' (use B, KiB, MiB, GiB, KB, MB, GB)"
            ))
        }
    };
    let v = n * mult;
    if !v.is_finite() || v > u64::MAX as f64 || v < 0.0 {
        return Err(format!("size '{s}' is out of range"));
    }
    Ok(v.round() as u64)
}

/// A size that must fit in u32 (maximum packet size): 1 ..= 268435460.
pub fn packet_size(s: &str) -> Result<u32, String> {
    let v = size(s)?;
    if v == 0 || v > 268_435_460 {
        return Err(format!(
            "'{s}' is not a packet size between 1 byte and 256MiB"
        ));
    }
    Ok(v as u32)
}

/// A count: `100`, `10k` (10,000), `1.5M`, `1e6`.
pub fn count(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if let Ok(v) = t.parse::<u64>() {
        return Ok(v);
    }
    let (num, unit) = split_number(t);
    let mult = match unit {
        "k" | "K" => 1e3,
        "m" | "M" => 1e6,
        "g" | "G" | "b" | "B" => 1e9,
        _ => {
            return t
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0 && *v < 1.8e19)
                .map(|v| v as u64)
                .ok_or_else(|| {
                    format!("invalid count '{s}': expected a whole number such as 100 or 10k")
                })
        }
    };
    let n: f64 = num.parse().map_err(|_| format!("invalid count '{s}'"))?;
    let v = n * mult;
    if v.fract() != 0.0 || v > 1.8e19 {
        return Err(format!("invalid count '{s}'"));
    }
    Ok(v as u64)
}

/// A `key=value` user property. The key may not be empty; the value may.
pub fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("invalid user property '{s}': expected key=value")),
    }
}

/// A `Name: value` HTTP header.
pub fn header(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("invalid header '{s}': expected 'Name: value'")),
    }
}

/// A flag value of 0 or 1 (request problem / response information).
pub fn zero_one(s: &str) -> Result<u8, String> {
    match s {
        "0" | "false" | "no" => Ok(0),
        "1" | "true" | "yes" => Ok(1),
        _ => Err(format!("invalid value '{s}': expected 0 or 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(duration("1m30s"), Ok(Duration::from_secs(90)));
        assert!(duration("soon").is_err());
        assert!(duration("-1").is_err());
    }

    #[test]
    fn replay_speeds_loops_and_start_times() {
        use super::super::pubsub::{Loops, Speed, StartAt};
        assert_eq!(speed("2x"), Ok(Speed::Factor(2.0)));
        assert_eq!(speed("0.5"), Ok(Speed::Factor(0.5)));
        assert_eq!(speed("MAX"), Ok(Speed::Max));
        assert!(speed("0x").is_err() && speed("fast").is_err() && speed("-1x").is_err());
        assert_eq!(loops("3"), Ok(Loops::Times(3)));
        assert_eq!(loops("forever"), Ok(Loops::Forever));
        assert!(loops("0").is_err());
        assert_eq!(
            start_at("90s"),
            Ok(StartAt::Offset(Duration::from_secs(90)))
        );
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_764_651_600);
        assert_eq!(start_at("2025-12-02T05:00:00Z"), Ok(StartAt::Time(at)));
        assert!(start_at("soon")
            .unwrap_err()
            .contains("invalid start 'soon'"));
    }

    #[test]
    fn sizes() {
        assert_eq!(size("512"), Ok(512));
        assert_eq!(size("1KiB"), Ok(1024));
        assert_eq!(size("1KB"), Ok(1000));
        assert_eq!(size("2.5MiB"), Ok(2_621_440));
        assert_eq!(size("1k"), Ok(1024));
        assert!(size("1XB").is_err());
        assert!(size("").is_err());
        assert!(packet_size("0").is_err());
        assert!(packet_size("1GiB").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(count("100"), Ok(100));
        assert_eq!(count("10k"), Ok(10_000));
        assert_eq!(count("1.5M"), Ok(1_500_000));
        assert_eq!(count("1e6"), Ok(1_000_000));
        assert!(count("1.5").is_err());
        assert!(count("ten").is_err());
    }

    #[test]
    fn qos_and_pairs() {
        assert_eq!(qos("2"), Ok(QoS::ExactlyOnce));
        assert!(qos("3").unwrap_err().contains("expected 0, 1 or 2"));
        assert_eq!(key_value("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(key_value("a="), Ok(("a".into(), "".into())));
        assert!(key_value("=v").is_err());
        assert!(key_value("novalue").is_err());
        assert_eq!(header("X-Key: v: 1"), Ok(("X-Key".into(), "v: 1".into())));
        assert_eq!(seconds_u32("never"), Ok(u32::MAX));
        assert!(seconds_u16("70000").is_err());
    }
}
