//! What outlives a connection: the will of a client that vanishes, and a session resumed with
//! `--no-clean` that gets the messages queued while it was away.

use super::*;
use crate::support::cmd::{json_lines, Spawned};
use crate::support::peer::{payloads, summarize, END};

interop!(
    a_will_is_published_when_the_client_vanishes,
    Access::Anonymous,
    [Need::Will],
    Versions::All,
    |p: &Peer| {
        let topic = p.topic("will");
        let (mut sub, _) = p.spawn_sub(&["-t", &topic, "-q", "1"], &topic);
        let mut held = Spawned::spawn(p.cmd("conn").args([
            "--hold",
            "-k",
            "60",
            "--will-topic",
            &topic,
            "--will-message",
            "gone",
            "--will-qos",
            "1",
        ]));
        held.wait_for_record("connack", T);
        // SIGKILL: no DISCONNECT, the kernel closes the socket.
        held.kill();
        let r = sub.wait_for_json(|v| v["payload"] == "gone", T);
        assert_eq!(r["topic"], topic.as_str(), "{r}");
        assert_eq!(r["qos"], 1, "{r}");
        // A clean DISCONNECT sends no will.
        let clean = p.run(
            "conn",
            &["--will-topic", &topic, "--will-message", "not sent"],
        );
        p.assert_ok(&clean, "conn with a will");
        let got = p.collect_until_end(&mut sub, &topic, 0, T);
        assert!(got.is_empty(), "{}: {}", p.label(), summarize(&got));
    }
);

interop!(
    a_session_resumed_with_no_clean_gets_the_messages_queued_meanwhile,
    Access::Users,
    [Need::Session],
    Versions::All,
    |p: &Peer| {
        const N: usize = 50;
        let topic = p.topic("session");
        let id = p.client_id();
        // -E: subscribe and leave; the session stays.
        let out = cmd::run(
            p.cmd("sub")
                .args(["-i", &id, "--no-clean", "-q", "1", "-t", &topic, "-E"]),
            T,
        );
        p.assert_ok(&out, "sub -E --no-clean");

        let lines: Vec<String> = (0..N).map(|i| format!("queued {i:03}")).collect();
        let input = lines.join("\n") + "\n";
        p.publish_stdin(
            &["-t", &topic, "-q", "1", "-l", "--no-output"],
            input.as_bytes(),
            T,
        );
        p.publish(&["-t", &topic, "-q", "1", "-m", END, "--no-output"]);

        let count = (N + 1).to_string();
        let out = cmd::run(
            p.cmd("sub").args([
                "-i",
                &id,
                "--no-clean",
                "-q",
                "1",
                "-t",
                &topic,
                "-C",
                &count,
                "-W",
                "30s",
            ]),
            T,
        );
        p.assert_ok(&out, "sub --no-clean resuming");
        let got = json_lines(&out.stdout);
        let mut expected = lines.clone();
        expected.push(END.into());
        assert_eq!(
            payloads(&got),
            expected,
            "{}: {}",
            p.label(),
            summarize(&got)
        );
        for r in &got {
            assert_eq!(r["qos"], 1, "{r}");
        }

        // Leave no session behind: a clean connect with the same id ends it.
        let out = p.run("conn", &["-i", &id]);
        p.assert_ok(&out, "conn to end the session");
    }
);
