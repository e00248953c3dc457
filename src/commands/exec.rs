//! Running `reply --exec`'s command for one request: `sh -c CMD` with the request's payload on
//! its stdin and the request in its environment; its stdout (bounded) is the reply. A command
//! that exits non-zero, cannot start, or outlasts its timeout (then killed) is a failure whose
//! reason goes into the reply's `error` user property.
use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::output::payload;
use crate::protocol::Publish;

/// The most of a command's stdout taken as a reply (the largest payload MQTT can carry).
const MAX_OUTPUT: u64 = 256 * 1024 * 1024 - 1024;

/// What every run of the command shares.
#[derive(Clone)]
pub struct Job {
    pub client_id: String,
    pub timeout: Duration,
    /// Keep the output's trailing newline (else one is dropped).
    pub keep_newline: bool,
}

/// How a run went: its stdout (the reply), its exit status, and why it failed.
pub struct Run {
    pub stdout: Bytes,
    pub exit_code: Option<i32>,
    pub error: Option<String>,
}

/// The environment a command gets for request `p`.
pub fn environment(p: &Publish, response_topic: &str, job: &Job) -> Vec<(&'static str, String)> {
    let props = &p.properties;
    let mut env = vec![
        ("MQTT_TOPIC", p.topic.clone()),
        ("MQTT_RESPONSE_TOPIC", response_topic.to_string()),
        ("MQTT_QOS", (p.qos as u8).to_string()),
        ("MQTT_CLIENT_ID", job.client_id.clone()),
    ];
    if let Some(c) = &props.correlation_data {
        env.push(("MQTT_CORRELATION_DATA", payload::base64(c)));
    }
    if let Some(t) = &props.content_type {
        env.push(("MQTT_CONTENT_TYPE", t.clone()));
    }
    if !props.user_properties.is_empty() {
        let pairs: Vec<[&str; 2]> = props
            .user_properties
            .iter()
            .map(|(k, v)| [k.as_str(), v.as_str()])
            .collect();
        env.push((
            "MQTT_USER_PROPERTIES",
            serde_json::to_string(&pairs).unwrap_or_default(),
        ));
    }
    env
}

/// Run `cmd` for request `p`.
pub async fn run(cmd: &str, p: &Publish, response_topic: &str, job: &Job) -> Run {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .envs(environment(p, response_topic, job))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return failed(Bytes::new(), None, format!("cannot run sh -c: {e}")),
    };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return failed(Bytes::new(), None, "the command's pipes are missing".into());
    };
    let input = p.payload.clone();
    // Written while the output is read: a large payload cannot deadlock the pipes. A command
    // that does not read its stdin gets EPIPE, which is no error of ours.
    let feed = async move {
        let _ = stdin.write_all(&input).await;
        drop(stdin);
    };
    let collect = async move {
        let mut buf = Vec::new();
        let mut limited = stdout.take(MAX_OUTPUT);
        let read = limited.read_to_end(&mut buf).await;
        (buf, read)
    };
    let work = async {
        let ((), (buf, read)) = tokio::join!(feed, collect);
        let status = child.wait().await;
        (buf, read, status)
    };
    match tokio::time::timeout(job.timeout, work).await {
        Err(_) => failed(
            Bytes::new(),
            None,
            format!(
                "the command did not finish within {} (killed)",
                humantime::format_duration(job.timeout)
            ),
        ),
        Ok((mut buf, read, status)) => {
            if !job.keep_newline && buf.last() == Some(&b'\n') {
                buf.pop();
            }
            let stdout = Bytes::from(buf);
            if let Err(e) = read {
                return failed(stdout, None, format!("reading the command's output: {e}"));
            }
            match status {
                Ok(s) if s.success() => Run {
                    stdout,
                    exit_code: Some(0),
                    error: None,
                },
                Ok(s) => {
                    let why = match s.code() {
                        Some(c) => format!("the command exited with status {c}"),
                        None => "the command was killed by a signal".to_string(),
                    };
                    failed(stdout, s.code(), why)
                }
                Err(e) => failed(stdout, None, format!("waiting for the command: {e}")),
            }
        }
    }
}

fn failed(stdout: Bytes, exit_code: Option<i32>, why: String) -> Run {
    Run {
        stdout,
        exit_code,
        error: Some(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Properties;

    fn request() -> Publish {
        Publish {
            topic: "svc/a/req".into(),
            payload: Bytes::from_static(b"hello"),
            properties: Properties {
                correlation_data: Some(Bytes::from_static(&[0xff, 0x01])),
                user_properties: vec![("k".into(), "v".into())],
                ..Properties::default()
            },
            ..Publish::default()
        }
    }

    fn job(timeout: Duration) -> Job {
        Job {
            client_id: "me".into(),
            timeout,
            keep_newline: false,
        }
    }

    #[test]
    fn the_environment_carries_the_request_with_correlation_data_in_base64() {
        let env = environment(&request(), "me/reply", &job(Duration::from_secs(1)));
        let get = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("MQTT_TOPIC"), Some("svc/a/req"));
        assert_eq!(get("MQTT_RESPONSE_TOPIC"), Some("me/reply"));
        assert_eq!(get("MQTT_CORRELATION_DATA"), Some("/wE="));
        assert_eq!(get("MQTT_USER_PROPERTIES"), Some(r#"[["k","v"]]"#));
        assert_eq!(get("MQTT_CLIENT_ID"), Some("me"));
    }

    #[tokio::test]
    async fn a_command_gets_the_payload_on_stdin_and_its_stdout_is_the_reply() {
        let r = run("tr a-z A-Z", &request(), "r", &job(Duration::from_secs(10))).await;
        assert_eq!(r.error, None);
        assert_eq!(&r.stdout[..], b"HELLO");
        assert_eq!(r.exit_code, Some(0));
    }

    #[tokio::test]
    async fn a_failing_command_is_an_error_with_its_status_and_output() {
        let r = run(
            "echo partial; exit 3",
            &request(),
            "r",
            &job(Duration::from_secs(10)),
        )
        .await;
        assert_eq!(r.exit_code, Some(3));
        assert_eq!(&r.stdout[..], b"partial", "one trailing newline dropped");
        assert_eq!(r.error.as_deref(), Some("the command exited with status 3"));
    }

    #[tokio::test]
    async fn only_one_trailing_newline_is_dropped_and_none_with_keep_newline() {
        let two = run(
            "printf 'a\\n\\n'",
            &request(),
            "r",
            &job(Duration::from_secs(10)),
        )
        .await;
        assert_eq!(&two.stdout[..], b"a\n");
        let keep = Job {
            keep_newline: true,
            ..job(Duration::from_secs(10))
        };
        let kept = run("echo a", &request(), "r", &keep).await;
        assert_eq!(&kept.stdout[..], b"a\n");
    }

    #[tokio::test]
    async fn a_command_past_its_timeout_is_killed_and_an_error() {
        let started = std::time::Instant::now();
        let r = run("sleep 5", &request(), "r", &job(Duration::from_millis(200))).await;
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(r.error.unwrap().contains("did not finish within 200ms"));
    }
}
