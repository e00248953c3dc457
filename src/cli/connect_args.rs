//! The connection options every command flattens in (`ConnectArgs`): broker address and
//! transport, TLS, identity and credentials, MQTT version and session, MQTT 5 properties.
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{address, parse, password};
use crate::protocol::{QoS, Version};

/// Connection options shared by every command.
#[derive(Debug, Args, Clone, Default)]
pub struct ConnectArgs {
    /// Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a
    /// comma-separated list, spread over the connections)
    #[arg(
        short = 'h',
        long,
        env = "MQTT_HOST",
        default_value = "localhost",
        value_parser = address::hosts,
        value_name = "HOST",
        help_heading = "Connection"
    )]
    pub host: address::Hosts,

    /// Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]
    #[arg(short = 'p', long, env = "MQTT_PORT", help_heading = "Connection")]
    pub port: Option<u16>,

    /// Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport,
    /// host, port, credentials and WebSocket path at once, over -h/-p/-u/-P
    #[arg(
        short = 'L',
        long,
        env = "MQTT_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Connection"
    )]
    pub url: Option<String>,

    /// Take the broker and connection defaults from profile NAME of the config file [default:
    /// the config file's default_profile, or its [default] profile]
    #[arg(
        long,
        env = "MQTT_PROFILE",
        value_name = "NAME",
        help_heading = "Connection"
    )]
    pub profile: Option<String>,

    /// Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or
    /// ~/.config/mqtt/config.toml]
    #[arg(
        long,
        env = "MQTT_CONFIG",
        value_name = "FILE",
        help_heading = "Connection"
    )]
    pub config: Option<PathBuf>,

    /// MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the
    /// broker refuses version 5]
    #[arg(
        short = 'V',
        long = "protocol-version",
        env = "MQTT_VERSION",
        value_name = "VERSION",
        help_heading = "Connection"
    )]
    pub version: Option<Version>,

    /// Client identifier [default: --id-prefix plus random characters]
    #[arg(
        short = 'i',
        long = "client-id",
        env = "MQTT_CLIENT_ID",
        help_heading = "Connection"
    )]
    pub client_id: Option<String>,

    /// Prefix of the generated client identifier
    #[arg(
        long,
        env = "MQTT_ID_PREFIX",
        default_value = "mqtt-",
        help_heading = "Connection"
    )]
    pub id_prefix: String,

    /// User name
    #[arg(short = 'u', long, env = "MQTT_USERNAME", help_heading = "Connection")]
    pub username: Option<String>,

    /// Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are
    /// visible to other users); -P without a value asks on the terminal, as --password-prompt
    #[arg(
        short = 'P',
        long,
        env = "MQTT_PASSWORD",
        hide_env_values = true,
        num_args = 0..=1,
        default_missing_value = password::ASK,
        help_heading = "Connection"
    )]
    pub password: Option<String>,

    /// Read the password from the first line of FILE
    #[arg(
        long,
        env = "MQTT_PASSWORD_FILE",
        value_name = "FILE",
        conflicts_with = "password",
        help_heading = "Connection"
    )]
    pub password_file: Option<PathBuf>,

    /// Ask for the password on the terminal, without echo
    #[arg(long, conflicts_with = "password_stdin", help_heading = "Connection")]
    pub password_prompt: bool,

    /// Read the password from the first line of standard input: the safe way in scripts
    /// (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or
    /// --jsonl, which read stdin for messages
    #[arg(long, help_heading = "Connection")]
    pub password_stdin: bool,

    /// Keep alive interval in seconds (0 disables)
    #[arg(short = 'k', long, env = "MQTT_KEEPALIVE", default_value = "60", value_parser = parse::seconds_u16, value_name = "SECONDS", help_heading = "Connection")]
    pub keepalive: u16,

    /// Resume a session: clean start / clean session off
    #[arg(long, env = "MQTT_NO_CLEAN", help_heading = "Connection")]
    pub no_clean: bool,

    /// Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]
    #[arg(short = 'x', long, env = "MQTT_SESSION_EXPIRY", value_parser = parse::seconds_u32, value_name = "DURATION", help_heading = "Connection")]
    pub session_expiry: Option<u32>,

    /// Give up connecting after DURATION
    #[arg(long, env = "MQTT_CONNECT_TIMEOUT", default_value = "10s", value_parser = parse::duration, value_name = "DURATION", help_heading = "Connection")]
    pub connect_timeout: Duration,

    /// Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread
    /// over the connections)
    #[arg(
        long,
        env = "MQTT_SOURCE_IP",
        value_name = "IP",
        value_parser = address::source_ips,
        help_heading = "Connection"
    )]
    pub source_ip: Option<address::SourceIps>,

    /// Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and
    /// --insecure
    #[arg(long, env = "MQTT_TLS", help_heading = "TLS and WebSocket")]
    pub tls: bool,

    /// Use WebSocket (ws://, or wss:// with TLS)
    #[arg(long, env = "MQTT_WS", help_heading = "TLS and WebSocket")]
    pub ws: bool,

    /// CA certificates (PEM) to verify the broker with, instead of the system's
    #[arg(
        long,
        env = "MQTT_CAFILE",
        value_name = "FILE",
        help_heading = "TLS and WebSocket"
    )]
    pub cafile: Option<PathBuf>,

    /// A folder of CA certificates (PEM files, e.g. c_rehash'ed, as mosquitto's clients take),
    /// beside or instead of --cafile
    #[arg(
        long,
        env = "MQTT_CAPATH",
        value_name = "DIR",
        help_heading = "TLS and WebSocket"
    )]
    pub capath: Option<PathBuf>,

    /// Client certificate chain (PEM) for mutual TLS
    #[arg(
        long,
        env = "MQTT_CERT",
        value_name = "FILE",
        requires = "key",
        help_heading = "TLS and WebSocket"
    )]
    pub cert: Option<PathBuf>,

    /// Private key (PEM) of --cert
    #[arg(
        long,
        env = "MQTT_KEY",
        value_name = "FILE",
        requires = "cert",
        help_heading = "TLS and WebSocket"
    )]
    pub key: Option<PathBuf>,

    /// Do not verify the broker's certificate or host name (prints a warning)
    #[arg(long, env = "MQTT_INSECURE", help_heading = "TLS and WebSocket")]
    pub insecure: bool,

    /// ALPN protocol to offer (repeatable)
    #[arg(
        long,
        env = "MQTT_ALPN",
        value_name = "PROTOCOL",
        value_delimiter = ',',
        help_heading = "TLS and WebSocket"
    )]
    pub alpn: Vec<String>,

    /// Server name for TLS SNI and certificate verification [default: the host]
    #[arg(
        long,
        env = "MQTT_SNI",
        value_name = "NAME",
        help_heading = "TLS and WebSocket"
    )]
    pub sni: Option<String>,

    /// WebSocket path
    #[arg(
        long,
        env = "MQTT_WS_PATH",
        default_value = "/mqtt",
        value_name = "PATH",
        help_heading = "TLS and WebSocket"
    )]
    pub ws_path: String,

    /// Extra WebSocket handshake header 'Name: value' (repeatable)
    #[arg(long, value_name = "HEADER", value_parser = parse::header, help_heading = "TLS and WebSocket")]
    pub ws_header: Vec<(String, String)>,

    /// Will topic
    #[arg(
        long,
        env = "MQTT_WILL_TOPIC",
        value_name = "TOPIC",
        help_heading = "Will"
    )]
    pub will_topic: Option<String>,

    /// Will payload
    #[arg(
        long,
        env = "MQTT_WILL_MESSAGE",
        value_name = "MESSAGE",
        requires = "will_topic",
        help_heading = "Will"
    )]
    pub will_message: Option<String>,

    /// Will QoS
    #[arg(long, env = "MQTT_WILL_QOS", value_parser = parse::qos, default_value = "0", value_name = "QOS", help_heading = "Will")]
    pub will_qos: QoS,

    /// Retain the will
    #[arg(
        long,
        env = "MQTT_WILL_RETAIN",
        requires = "will_topic",
        help_heading = "Will"
    )]
    pub will_retain: bool,

    /// Will delay interval (MQTT 5)
    #[arg(long, value_parser = parse::seconds_u32, value_name = "DURATION", requires = "will_topic", help_heading = "Will")]
    pub will_delay: Option<u32>,

    /// Will message expiry interval (MQTT 5)
    #[arg(long, value_parser = parse::seconds_u32, value_name = "DURATION", requires = "will_topic", help_heading = "Will")]
    pub will_message_expiry: Option<u32>,

    /// Will content type (MQTT 5)
    #[arg(
        long,
        value_name = "TYPE",
        requires = "will_topic",
        help_heading = "Will"
    )]
    pub will_content_type: Option<String>,

    /// Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)
    #[arg(long, value_parser = parse::zero_one, value_name = "0|1", requires = "will_topic", help_heading = "Will")]
    pub will_payload_format: Option<u8>,

    /// Will response topic (MQTT 5)
    #[arg(
        long,
        value_name = "TOPIC",
        requires = "will_topic",
        help_heading = "Will"
    )]
    pub will_response_topic: Option<String>,

    /// Will correlation data (MQTT 5)
    #[arg(
        long,
        value_name = "DATA",
        requires = "will_topic",
        help_heading = "Will"
    )]
    pub will_correlation_data: Option<String>,

    /// Will user property key=value (MQTT 5, repeatable)
    #[arg(long, value_parser = parse::key_value, value_name = "KEY=VALUE", requires = "will_topic", help_heading = "Will")]
    pub will_user_property: Vec<(String, String)>,

    /// Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)
    #[arg(long, env = "MQTT_RECEIVE_MAXIMUM", value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "MQTT 5")]
    pub receive_maximum: Option<u16>,

    /// Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]
    #[arg(long, env = "MQTT_MAXIMUM_PACKET_SIZE", value_parser = parse::packet_size, value_name = "SIZE", help_heading = "MQTT 5")]
    pub maximum_packet_size: Option<u32>,

    /// Topic alias maximum: aliases the broker may use towards us (MQTT 5)
    #[arg(
        long,
        env = "MQTT_TOPIC_ALIAS_MAXIMUM",
        value_name = "N",
        help_heading = "MQTT 5"
    )]
    pub topic_alias_maximum: Option<u16>,

    /// Ask for response information in the CONNACK (MQTT 5)
    #[arg(long, env = "MQTT_REQUEST_RESPONSE_INFO", help_heading = "MQTT 5")]
    pub request_response_info: bool,

    /// Ask the broker to leave out reason strings and user properties on errors (MQTT 5)
    #[arg(long, env = "MQTT_NO_PROBLEM_INFO", help_heading = "MQTT 5")]
    pub no_problem_info: bool,

    /// CONNECT user property key=value (MQTT 5, repeatable)
    #[arg(long = "connect-user-property", alias = "cup", value_parser = parse::key_value, value_name = "KEY=VALUE", help_heading = "MQTT 5")]
    pub connect_user_property: Vec<(String, String)>,

    /// Enhanced authentication method (MQTT 5)
    #[arg(
        long,
        env = "MQTT_AUTH_METHOD",
        value_name = "METHOD",
        help_heading = "MQTT 5"
    )]
    pub auth_method: Option<String>,

    /// Enhanced authentication data (MQTT 5)
    #[arg(
        long,
        env = "MQTT_AUTH_DATA",
        hide_env_values = true,
        value_name = "DATA",
        requires = "auth_method",
        help_heading = "MQTT 5"
    )]
    pub auth_data: Option<String>,
}
