use super::*;
use clap::{CommandFactory, FromArgMatches};

fn config(text: &str) -> Result<Config> {
    Config::parse(Path::new("/etc/mqtt/config.toml"), text)
}

/// Parse `argv` and apply the profile `name` of `text` (no environment involved: the tests
/// of this module run with no MQTT_* variable set).
fn run(text: &str, name: Option<&str>, argv: &[&str]) -> Result<ConnectArgs> {
    let mut full = vec!["mqtt", "conn"];
    full.extend_from_slice(argv);
    let matches = Cli::command().try_get_matches_from(full)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    let selected = config(text)?.select(name)?.expect("a profile");
    let args = cli.command.connect_args_mut().unwrap();
    let leaf = leaf_matches(&matches);
    apply_profile(args, &selected, |id| leaf.value_source(id))?;
    Ok(args.clone())
}

const PROD: &str = r#"
default_profile = "local"

[local]
host = "127.0.0.1"

[prod]
host = "broker.example.com"
port = 8883
username = "alice"
password_file = "prod.pass"
cafile = "~/ca.pem"
protocol_version = "3.1.1"
keepalive = "2m"
connect_timeout = 3
id_prefix = "alice-"
insecure = true
alpn = ["mqtt"]
"#;

#[test]
fn the_profile_fills_what_the_flags_leave_at_their_defaults() {
    let a = run(PROD, Some("prod"), &[]).unwrap();
    assert_eq!(a.host.0, [("broker.example.com".to_string(), None)]);
    assert_eq!(a.port, Some(8883));
    assert_eq!(a.username.as_deref(), Some("alice"));
    assert_eq!(
        a.password_file.as_deref(),
        Some(Path::new("/etc/mqtt/prod.pass"))
    );
    assert!(a.cafile.unwrap().ends_with("ca.pem"));
    assert_eq!(a.version, Some(Version::V3_1_1));
    assert_eq!(a.keepalive, 120);
    assert_eq!(a.connect_timeout, Duration::from_secs(3));
    assert_eq!(a.id_prefix, "alice-");
    assert!(a.insecure);
    assert_eq!(a.alpn, vec!["mqtt".to_string()]);
}

#[test]
fn flags_win_over_the_profile() {
    let a = run(
        PROD,
        Some("prod"),
        &["-h", "other", "-k", "5", "-V", "5", "--id-prefix", "x-"],
    )
    .unwrap();
    assert_eq!(a.host.0, [("other".to_string(), None)]);
    assert_eq!(a.keepalive, 5);
    assert_eq!(a.version, Some(Version::V5));
    assert_eq!(a.id_prefix, "x-");
    // What the flags did not set still comes from the profile.
    assert_eq!(a.port, Some(8883));
    // A flag that equals the default is still a flag.
    let a = run(PROD, Some("prod"), &["-k", "60"]).unwrap();
    assert_eq!(a.keepalive, 60);
}

#[test]
fn a_password_flag_replaces_the_profiles_password_file() {
    let a = run(PROD, Some("prod"), &["-P", "secret"]).unwrap();
    assert_eq!(a.password.as_deref(), Some("secret"));
    assert_eq!(a.password_file, None);
}

#[test]
fn default_profile_and_the_default_table() {
    let c = config(PROD).unwrap().select(None).unwrap().unwrap();
    assert_eq!(c.name, "local");
    let c = config("[default]\nport = 1884\n[x]\nport = 1")
        .unwrap()
        .select(None)
        .unwrap()
        .unwrap();
    assert_eq!((c.name.as_str(), c.profile.port), ("default", Some(1884)));
    assert!(config("[x]\nport = 1")
        .unwrap()
        .select(None)
        .unwrap()
        .is_none());
}

#[test]
fn a_url_in_the_profile_sets_transport_host_port_and_credentials() {
    let text = "[w]\nurl = \"wss://bob:pw@example.com:9001/ws\"\n";
    let a = run(text, Some("w"), &[]).unwrap();
    assert!(a.tls && a.ws);
    assert_eq!(
        (a.host.0[0].0.as_str(), a.port),
        ("example.com", Some(9001))
    );
    assert_eq!(a.username.as_deref(), Some("bob"));
    assert_eq!(a.password.as_deref(), Some("pw"));
    assert_eq!(a.ws_path, "/ws");
    let a = run(text, Some("w"), &["-p", "1"]).unwrap();
    assert_eq!(a.port, Some(1));
}

#[test]
fn parse_errors_never_show_the_password() {
    for text in [
        "[p]\npassword=\"S3CRET\n",
        "[p]\npassword = 'S3CRET\nhost = \"h\"\n",
        "[p]\npassword = S3CRET\n",
        "[p]\npassword = 123456\n",
        "[p]\npassword = [\"S3CRET\"]\n",
    ] {
        let err = config(text).unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            !msg.contains("S3CRET") && !msg.contains("123456"),
            "{text:?}: {msg}"
        );
        assert!(msg.contains("/etc/mqtt/config.toml"), "{msg}");
    }
    let err = config("[p]\nhost = \"h\"\npassword=\"S3CRET\n").unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn unknown_keys_and_missing_profiles_are_usage_errors_naming_the_file() {
    for (text, name, want) in [
        (
            "[p]\nhots = \"x\"\n",
            Some("p"),
            "[p]: unknown field `hots`",
        ),
        ("[p]\nport = \"x\"\n", Some("p"), "[p]"),
        ("hots = 1\n", None, "unknown key `hots`"),
        ("[p]\nhost = \"x\"\n", Some("q"), "no profile `q`"),
        ("default_profile = \"q\"\n[p]\n", None, "no profile `q`"),
        ("[p\n", None, "config file"),
    ] {
        let err = config(text)
            .and_then(|c| c.select(name).map(|_| ()))
            .unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE, "{text}");
        let msg = err.to_string();
        assert!(
            msg.contains("/etc/mqtt/config.toml") && msg.contains(want),
            "{text:?}: {msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
    }
    let err = run("[p]\nkeepalive = \"soon\"\n", Some("p"), &[]).unwrap_err();
    assert!(err.to_string().contains("[p] keepalive"), "{err}");
}

#[test]
fn the_config_file_location() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(
        config_path(None, env(&[("HOME", "/home/a")])),
        Some((PathBuf::from("/home/a/.config/mqtt/config.toml"), false))
    );
    assert_eq!(
        config_path(
            None,
            env(&[("HOME", "/home/a"), ("XDG_CONFIG_HOME", "/xdg")])
        ),
        Some((PathBuf::from("/xdg/mqtt/config.toml"), false))
    );
    assert_eq!(
        config_path(Some(Path::new("c.toml")), env(&[])),
        Some((PathBuf::from("c.toml"), true))
    );
    assert_eq!(config_path(None, env(&[])), None);
}

#[test]
fn only_defaults_and_absent_values_are_replaced() {
    assert!(from_profile(None));
    assert!(from_profile(Some(ValueSource::DefaultValue)));
    assert!(!from_profile(Some(ValueSource::EnvVariable)));
    assert!(!from_profile(Some(ValueSource::CommandLine)));
}
