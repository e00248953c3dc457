//! docs/kubernetes/: kubectl accepts the manifests (`kubectl apply --dry-run=client
//! --validate=false`), and the bench arguments in them are a valid `mqtt` command line.
//!
//! kubectl asks a server what kinds of object exist even for a client-side dry run; a small
//! fake API server here answers that discovery (and "not found" for the objects), so no cluster
//! is needed. Skipped, with a message, where kubectl is not installed.
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::broker::find_program;
use crate::support::cmd::{self, mqtt};

/// The discovery documents of a server that has `batch/v1` Jobs, and 404 for everything else.
fn answer(path: &str) -> (u16, Value) {
    let path = path.split('?').next().unwrap_or_default();
    match path {
        "/version" => (
            200,
            json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0"}),
        ),
        "/api" => (
            200,
            json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        "/api/v1" => (
            200,
            json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": []}),
        ),
        "/apis" => (
            200,
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
            "name": "batch",
            "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]}),
        ),
        "/apis/batch/v1" => (
            200,
            json!({"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": "batch/v1", "resources": [{"name": "jobs", "singularName": "job",
            "namespaced": true, "kind": "Job",
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]}),
        ),
        _ => (
            404,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
            "reason": "NotFound", "code": 404}),
        ),
    }
}

/// Answer GET requests on one connection until the client closes it.
fn serve(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        // The headers, to the blank line (GET requests carry no body).
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" || header == "\n" {
                break;
            }
        }
        let path = request.split_whitespace().nth(1).unwrap_or("/");
        let (status, body) = answer(path);
        let body = body.to_string();
        let reason = if status == 200 { "OK" } else { "Not Found" };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A fake API server on a free loopback port; its threads end with the test process.
fn fake_api_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

fn manifests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/kubernetes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no manifests in {}", dir.display());
    files
}

/// What `kubectl apply --dry-run=client --validate=false -f FILE -o json` makes of a manifest.
fn dry_run(kubectl: &Path, server: &str, file: &Path) -> Vec<Value> {
    let cache = tempfile::tempdir().unwrap();
    let out = cmd::run(
        std::process::Command::new(kubectl)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .arg("--server")
            .arg(server)
            .arg("--cache-dir")
            .arg(cache.path())
            .args([
                "apply",
                "--dry-run=client",
                "--validate=false",
                "-o",
                "json",
                "-f",
            ])
            .arg(file),
        Duration::from_secs(60),
    );
    cmd::assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kubectl printed no JSON ({e}):\n{}", cmd::describe(&out)));
    match v["kind"].as_str() {
        Some("List") => v["items"].as_array().cloned().unwrap_or_default(),
        _ => vec![v],
    }
}

#[test]
fn the_kubernetes_manifests_pass_kubectl_s_client_dry_run_and_run_a_valid_sharded_bench() {
    let kubectl = find_program("kubectl");
    if !kubectl.is_file() {
        eprintln!(
            "skipped: kubectl is not installed, the manifests in docs/kubernetes are not checked"
        );
        return;
    }
    let server = fake_api_server();
    let mut jobs = 0;
    for file in manifests() {
        for object in dry_run(&kubectl, &server, &file) {
            if object["kind"] != "Job" {
                continue;
            }
            jobs += 1;
            let spec = &object["spec"];
            assert_eq!(spec["completionMode"], "Indexed", "{}", file.display());
            let n = spec["completions"].as_u64().expect("completions");
            assert_eq!(spec["parallelism"].as_u64(), Some(n), "every shard at once");
            let container = &spec["template"]["spec"]["containers"][0];
            let mut args: Vec<String> = container["args"]
                .as_array()
                .expect("container args")
                .iter()
                .map(|a| a.as_str().unwrap_or_default().to_string())
                .collect();
            let shards = args
                .iter()
                .position(|a| a == "--shards")
                .expect("--shards N");
            assert_eq!(
                args[shards + 1],
                n.to_string(),
                "--shards is the completions"
            );
            // The same command line here, against a closed loopback port: it must get as far as
            // connecting (exit 3), not stop at a usage error (exit 2).
            let closed = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = closed.local_addr().unwrap().port().to_string();
            drop(closed);
            for (flag, value) in [("-h", "127.0.0.1"), ("--prometheus", "127.0.0.1:0")] {
                if let Some(i) = args.iter().position(|a| a == flag) {
                    args[i + 1] = value.to_string();
                }
            }
            args.extend(["-p".to_string(), port]);
            let out = cmd::run_default(mqtt().args(&args).env("JOB_COMPLETION_INDEX", "1"));
            cmd::assert_code(&out, 3);
            let summary = cmd::json_lines(&out.stdout)
                .into_iter()
                .find(|v| v["type"] == "summary")
                .unwrap_or_else(|| panic!("no summary: {}", cmd::describe(&out)));
            assert_eq!(summary["shards"], json!([format!("1/{n}")]), "{summary}");
        }
    }
    assert!(jobs > 0, "no Job among the manifests");
}
