//! Where `pub`'s messages come from: -m, a file, stdin, stdin lines, JSON lines or random
//! bytes, read by a task of their own into a bounded channel; every read is bounded by the
//! largest payload the broker accepts.
use anyhow::Result;
use bytes::Bytes;
use tokio::sync::mpsc;

use crate::cli::pubsub::Encoding;
use crate::cli::pubsub::SourceArgs;
use crate::commands::input;
use crate::exit;
use crate::output::codec::{Codec, Codecs};
use crate::output::message::read as message_from_record;
use crate::output::payload;
use crate::output::pub_template::{Context, Template};
use crate::protocol::{topic, Publish, Version};

use super::pace::Pace;

/// One message to publish; `seq` counts from 1 (the line number for -l and --jsonl).
pub struct Message {
    pub seq: u64,
    pub publish: Box<Publish>,
    /// When a replayed message was due (its lateness is measured when it is handed over).
    pub due: Option<tokio::time::Instant>,
}

/// `--template`: the topic and the payload expanded for each message.
pub struct Expand {
    pub topic: Option<Template>,
    pub payload: Option<Template>,
    pub client_id: String,
    /// `--encode` with a template: each expanded payload is JSON to encode.
    pub encode: Option<(Codec, Codecs)>,
}

impl Expand {
    fn apply(&self, seq: u64, p: &mut Publish, rng: &mut fastrand::Rng) -> Result<(), String> {
        let cx = Context {
            seq,
            now: std::time::SystemTime::now(),
            client_id: &self.client_id,
        };
        if let Some(t) = &self.topic {
            p.topic = t.expand_string(&cx, rng);
            topic::validate_name(&p.topic)
                .map_err(|e| format!("topic '{}': {e}", crate::output::shorten(&p.topic)))?;
        }
        if let Some(t) = &self.payload {
            let mut out = Vec::with_capacity(p.payload.len() + 64);
            t.expand(&cx, rng, &mut out);
            if let Some((codec, codecs)) = &self.encode {
                out = encode(&out, *codec, codecs)?;
            }
            p.payload = Bytes::from(out);
        }
        Ok(())
    }
}

/// A problem in the input, reported after what was already read is published.
pub struct InputError {
    pub seq: u64,
    pub message: String,
}

pub type Item = std::result::Result<Message, InputError>;

/// The payload of -m, -f, -s, -n or --payload-size; None for the streaming sources. Files
/// and standard input are read only up to the largest payload MQTT can carry.
/// With `encode` (`--encode`, unless a template is to be expanded first), the payload is JSON
/// sent encoded.
pub async fn fixed_payload(
    args: &SourceArgs,
    encode_with: Option<Codec>,
    codecs: &Codecs,
) -> Result<Option<Bytes>> {
    let payload = plain_fixed_payload(args).await?;
    match (payload, encode_with) {
        (Some(json), Some(codec)) => {
            let what = match (&args.message, &args.file, &args.template_file) {
                (Some(_), _, _) => "-m".to_string(),
                (None, Some(f), _) | (None, None, Some(f)) => format!("-f {}", f.display()),
                (None, None, None) => "-s".to_string(),
            };
            encode(&json, codec, codecs)
                .map(|b| Some(Bytes::from(b)))
                .map_err(|e| exit::usage(format!("{what}: {e}")))
        }
        (payload, _) => Ok(payload),
    }
}

/// JSON text encoded with `codec`; the error names the problem.
fn encode(json: &[u8], codec: Codec, codecs: &Codecs) -> std::result::Result<Vec<u8>, String> {
    let value: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| format!("--encode {} takes JSON: {e}", codec.name()))?;
    codecs
        .encode(codec, &value)
        .map_err(|e| format!("{}: {e}", codec.name()))
}

async fn plain_fixed_payload(args: &SourceArgs) -> Result<Option<Bytes>> {
    if let Some(m) = &args.message {
        let bytes = match args.encoding {
            None => m.clone().into_bytes(),
            Some(Encoding::Base64) => {
                payload::unbase64(m).map_err(|e| exit::usage(format!("-m: {e}")))?
            }
            Some(Encoding::Hex) => {
                payload::unhex(m).map_err(|e| exit::usage(format!("-m: {e}")))?
            }
        };
        return Ok(Some(Bytes::from(bytes)));
    }
    if let Some((f, flag)) = (args.file.as_ref().map(|f| (f, "-f")))
        .or(args.template_file.as_ref().map(|f| (f, "--template-file")))
    {
        let bytes = input::read_file(f, input::MQTT_MAX_PAYLOAD)
            .await
            .map_err(|e| exit::usage(format!("{flag} {}: {e}", f.display())))?;
        return Ok(Some(Bytes::from(bytes)));
    }
    if args.stdin {
        let bytes = input::Stdin::open()
            .all(input::MQTT_MAX_PAYLOAD)
            .await
            .map_err(|e| exit::usage(format!("-s: {e}")))?;
        return Ok(Some(Bytes::from(bytes)));
    }
    if args.null {
        return Ok(Some(Bytes::new()));
    }
    if let Some(size) = args.payload_size {
        if size > input::MQTT_MAX_PAYLOAD as u64 {
            return Err(exit::usage(
                "--payload-size is larger than an MQTT packet can carry (256MiB)",
            ));
        }
        let mut bytes = vec![0u8; size as usize];
        fastrand::fill(&mut bytes);
        return Ok(Some(Bytes::from(bytes)));
    }
    Ok(None)
}

async fn pause(pace: Option<&Pace>, seq: u64, rng: &mut fastrand::Rng) {
    if let (Some(p), true) = (pace, seq > 1) {
        tokio::time::sleep(p.gap(rng)).await;
    }
}

/// A fixed payload `n` times, at the times of `pace`, expanded by `expand`.
pub async fn repeat(
    tx: mpsc::Sender<Item>,
    template: Publish,
    payload: Bytes,
    n: u64,
    mut pace: Option<Pace>,
    expand: Option<Expand>,
) {
    let start = tokio::time::Instant::now();
    let mut rng = fastrand::Rng::new();
    for seq in 1..=n {
        if let Some(p) = pace.as_mut() {
            tokio::time::sleep_until(start + p.due(seq, &mut rng)).await;
        }
        let mut publish = Box::new(Publish {
            payload: payload.clone(),
            ..template.clone()
        });
        if let Some(x) = &expand {
            if let Err(message) = x.apply(seq, &mut publish, &mut rng) {
                let _ = tx.send(Err(InputError { seq, message })).await;
                return;
            }
        }
        let m = Message {
            seq,
            publish,
            due: None,
        };
        if tx.send(Ok(m)).await.is_err() {
            return;
        }
    }
}

/// Each line of stdin as it arrives (only `\n` ends a line, and it is not part of the line),
/// turned into an item by `make` (None skips the line); stops after the first error. A line
/// longer than the largest payload the broker accepts is an error once that much has arrived.
async fn read_stdin_lines(
    tx: mpsc::Sender<Item>,
    pace: Option<Pace>,
    limit: input::Limit,
    encoded: bool,
    mut make: impl FnMut(u64, Vec<u8>) -> Option<Item>,
) {
    let mut stdin = input::Stdin::open();
    let mut seq = 0;
    let mut rng = fastrand::Rng::new();
    loop {
        // A record holds its payload encoded (hex takes twice the bytes) beside its fields.
        let max = || match encoded {
            true => limit.get().saturating_mul(2).saturating_add(1 << 20),
            false => limit.get(),
        };
        let item = match stdin.line(max).await {
            Ok(None) => return,
            Ok(Some(line)) => {
                seq += 1;
                match make(seq, line) {
                    Some(item) => item,
                    None => continue,
                }
            }
            Err(message) => Err(InputError {
                seq: seq + 1,
                message,
            }),
        };
        let stop = item.is_err();
        pause(pace.as_ref(), seq, &mut rng).await;
        if tx.send(item).await.is_err() || stop {
            return;
        }
    }
}

/// `-l`: every line is a payload, an empty one too; with `--encode`, every line is JSON to
/// encode (blank lines are skipped).
pub async fn read_lines(
    tx: mpsc::Sender<Item>,
    template: Publish,
    pace: Option<Pace>,
    limit: input::Limit,
    encode_with: Option<(Codec, Codecs)>,
) {
    let encoded = encode_with.is_some();
    read_stdin_lines(tx, pace, limit, encoded, |seq, line| {
        let payload = match &encode_with {
            None => line,
            Some(_) if line.iter().all(|b| b.is_ascii_whitespace()) => return None,
            Some((codec, codecs)) => match encode(&line, *codec, codecs) {
                Ok(bytes) => bytes,
                Err(message) => return Some(Err(InputError { seq, message })),
            },
        };
        let publish = Box::new(Publish {
            payload: Bytes::from(payload),
            ..template.clone()
        });
        Some(Ok(Message {
            seq,
            publish,
            due: None,
        }))
    })
    .await
}

/// `--jsonl`: every non-blank line is a message record.
pub async fn read_jsonl(
    tx: mpsc::Sender<Item>,
    template: Publish,
    version: Version,
    pace: Option<Pace>,
    limit: input::Limit,
    codecs: Codecs,
) {
    read_stdin_lines(tx, pace, limit, true, |seq, line| {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        Some(
            match message_from_record(&line, &template, version, &codecs) {
                Ok(publish) => Ok(Message {
                    seq,
                    publish: Box::new(publish),
                    due: None,
                }),
                Err(message) => Err(InputError { seq, message }),
            },
        )
    })
    .await
}
