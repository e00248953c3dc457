# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mqtt_global_optspecs
    string join \n help version log= color=
end

function __fish_mqtt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mqtt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mqtt_using_subcommand
    set -l cmd (__fish_mqtt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mqtt -n "__fish_mqtt_needs_command" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_needs_command" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_needs_command" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_needs_command" -l version -d 'Print version'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "conn" -d 'Connect, print the CONNACK as a JSON record, disconnect; exit by the outcome'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "pub" -d 'Publish messages from -m, a file, stdin, stdin lines or JSON lines'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "sub" -d 'Subscribe and print each message as a JSON line; stop on count or timeout'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "rr" -d 'Send a request, wait for its reply (MQTT 5 Response Topic and Correlation Data)'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "reply" -d 'Answer requests: with a command\'s output, a fixed message, or the request itself'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "bridge" -d 'Carry messages from one broker to another: properties, retain and QoS kept, acknowledged upstream only once the downstream broker has them'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "ls" -d 'List the live topics: messages, bytes, rate, retained, last payload (or a tree, or a table redrawn every second)'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "test" -d 'Check what a broker really does: QoS, retained, wildcards, sessions, wills, limits, MQTT 5'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "bench" -d 'Load generator: hold connections, publish, subscribe, measure latency and loss'
complete -c mqtt -n "__fish_mqtt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l hold -d 'Keep the connection open (with keepalive) for DURATION, or until Ctrl-C when no duration is given; prints a `disconnected` record and exits 1 if the server drops it' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand conn" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s t -l topic -d 'Topic to publish to (with --jsonl: the default for records without a topic)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s m -l message -d 'The message payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s f -l file -d 'Publish the whole file as one message (binary-safe)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l payload-size -d 'Publish SIZE random bytes, e.g. 1KiB' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l template-file -d 'The payload is FILE with placeholders, expanded for each message as with --template (pub only)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l encoding -d 'Decode -m from base64 or hex first' -r -f -a "base64\t''
hex\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l encode -d 'Read -m, -f, -s (a JSON document) or each -l line (a JSON value) as JSON and send it encoded: cbor, msgpack, protobuf (with --proto or --descriptor-set) or sparkplug; with a template, each expanded payload' -r -f -a "cbor\t''
msgpack\t''
protobuf\t''
sparkplug\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s q -l qos -d 'Quality of service' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l repeat -l count -d 'Publish the message N times (--count is the same)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l interval -d 'Wait DURATION between messages (with --repeat, -l or --jsonl); with --repeat the times are on a grid from the first message, so a late one does not push back the rest' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l rate -d 'Publish R messages a second: --interval 1/R, e.g. 100 or 2.5k' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l jitter -d 'Move each message\'s time by a random amount within +-DURATION (with --interval or --rate)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l speed -d 'Replay speed: 2x (twice as fast), 0.5x, 1x, or max (no waits)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l loop -d 'Replay the records N times, or forever (later passes from memory)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l start-at -d 'Start at a record time (ISO-8601, e.g. 2026-12-02T05:00:00Z) or an offset from the first record (e.g. 90s); records before it are skipped' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l max-inflight -d 'QoS 1/2 messages in flight at once [default: 256, or the broker\'s receive maximum when lower; 20 over MQTT 3.1/3.1.1, which cannot announce one]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l coalesce -d 'While the broker acknowledges a stream of messages (a thousand a second and more), wait up to this long before sleeping on the socket, so that each wake-up handles many acknowledgements (about half the CPU per message); kept below a third of the time the broker needs for half the window in flight, so that it never runs dry. 0 turns it off' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s e -l message-expiry -d 'Message expiry interval (MQTT 5), e.g. 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l content-type -d 'Content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l payload-format -d 'Payload format indicator: 1 says the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l response-topic -d 'Response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l correlation-data -d 'Correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l user-property -d 'User property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l topic-alias -d 'Topic alias: `auto` replaces a repeated topic by an alias (MQTT 5)' -r -f -a "auto\t'Give each new topic an alias while the broker allows, and reuse it'"
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l proto -d 'A .proto file to compile at start-up, no protoc needed (repeatable); imports are looked up in the --proto-path directories, then in the file\'s own directory' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l proto-path -d 'A directory to look up .proto imports in (repeatable)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l descriptor-set -d 'A compiled schema (a FileDescriptorSet, from protoc --descriptor_set_out or buf build) instead of --proto' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l proto-message -d 'The Protobuf message type of the payloads, e.g. sensors.v1.Reading (needed when the schema defines more than one)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s s -l stdin -d 'Publish all of standard input as one message'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s l -l lines -d 'Publish each line of standard input as a message, as it arrives (an empty line is an empty payload; the newline is not part of the payload)'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s n -l null -d 'Publish an empty (zero-length) message'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l jsonl -d 'Read message records (the JSON lines `mqtt sub` prints) from standard input; each record\'s topic, qos, retain and properties override the flags'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -s r -l retain -d 'Retain the message'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l template -d 'Expand placeholders in -t and the payload (-m, -f, -s) for each message: {seq} {now} {now_ms} {uuid} {rand:MIN-MAX} {randf:MIN-MAX} {choice:a|b|c} {client_id}. Other braces are text (JSON needs no escaping); {{ is a literal { ({{seq} is the text {seq}). Without --template, payloads and topics are sent as they are'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l replay -d 'Replay --jsonl records with the gaps between their `time` values kept (open loop: a late message does not delay the rest); a `replayed` record reports the lateness'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l no-output -d 'Do not print `published` records'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand pub" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s t -l topic -d 'Topic filter to subscribe to (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s q -l qos -d 'QoS: once for every filter, or once per -t in order' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l retain-handling -d '0 send retained messages, 1 only for a new subscription, 2 never (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l subscription-identifier -d 'Subscription identifier (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l user-property -d 'SUBSCRIBE user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s U -l unsubscribe -d 'Unsubscribe from FILTER first (repeatable; useful with --no-clean sessions)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s C -l count -d 'Exit after N messages' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s W -l timeout -d 'Exit with code 6 when DURATION passes before --count is reached' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l until -d 'Exit 0 at the first message that meets EXPR (printed first); 6 at -W without one. EXPR is text the payload contains, /REGEX/, or a test of a JSON field: \'.status == "online"\', \'.temp > 30\', \'.items[0].id != null\', \'.ready\' (== != < <= > >=)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l idle -d 'Exit 0 once no message has come for DURATION, counted from the first message (or from the subscription with --idle-from-start): take what is there, then go on' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l quiet -d 'With --retained-only: how long without messages means there are no more' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l record -d 'Append each message\'s record to FILE as well: always the plain record (payload as text, base64 when not UTF-8, properties, retain), whatever --format, -v or --payload say, so that `pub --jsonl --replay` sends it back byte for byte. Written before the message is acknowledged; use --retain-as-published to keep the retain flag as it was published' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l record-max-size -d 'With --record: before FILE would grow past SIZE, rename it FILE.1 (replacing an older one) and start a new FILE, e.g. 100MiB' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s T -l filter-out -d 'Hide messages whose topic matches FILTER (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l payload -d 'How to put the payload in records: text (base64 when not UTF-8), json, base64, hex, or decoded to JSON: cbor, msgpack, protobuf, sparkplug, auto' -r -f -a "text\t'UTF-8 text; base64 when the bytes are not UTF-8'
json\t'Embed JSON payloads as JSON values; otherwise as text'
base64\t'Always base64'
hex\t'Always hex'
cbor\t'Decode CBOR to JSON'
msgpack\t'Decode MessagePack to JSON'
protobuf\t'Decode Protobuf to JSON with the schema of --proto or --descriptor-set and --message'
sparkplug\t'Decode Sparkplug B to JSON (topic fields, metric names from births)'
auto\t'By content type and topic: Sparkplug B on spBv1.0/ topics, CBOR, MessagePack or Protobuf by MQTT 5 content type, else JSON, text or base64'"
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l format -d 'Print each message with a template instead of a record, e.g. \'{topic} {payload}\' (placeholders: time, topic, payload, payload_hex, payload_base64, payload_size, qos, retain, dup, packet_id, json, and every property by name, e.g. {content_type}, {user_properties}, {user_property:KEY}; the decoded payload: {decoded}, {payload.metrics[0].value}; Sparkplug topic fields: {group_id}, {message_type}, {edge_node_id}, {device_id}; escapes \\n \\t \\\\)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l field -d 'Add optional fields to message records (repeatable or comma-separated)' -r -f -a "dup\t''
packet_id\t''
payload_size\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l proto -d 'A .proto file to compile at start-up, no protoc needed (repeatable); imports are looked up in the --proto-path directories, then in the file\'s own directory' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l proto-path -d 'A directory to look up .proto imports in (repeatable)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l descriptor-set -d 'A compiled schema (a FileDescriptorSet, from protoc --descriptor_set_out or buf build) instead of --proto' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l proto-message -d 'The Protobuf message type of the payloads, e.g. sensors.v1.Reading (needed when the schema defines more than one)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l queue -d 'Receive queue: messages held while stdout is slow before reading from the broker pauses' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l coalesce -d 'While QoS 0 messages stream in (a thousand a second and more), wait up to this long before sleeping on the socket, so that each wake-up handles many messages: about a third of the CPU per message, and fewer wake-ups for the broker to pay for. Adds at most this much latency during a stream, none to a message that comes alone; never at QoS 1/2 (the broker\'s in-flight window would idle). 0 turns it off' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l no-local -d 'Don\'t receive our own publications (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l retain-as-published -d 'Keep the retain flag as published (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l idle-from-start -d 'With --idle: count the quiet time from the subscription, not from the first message'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s E -l exit-after-subscribe -d 'Exit once subscribed (with --no-clean this creates a durable session)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s R -l no-retained -d 'Skip retained messages (stale ones sent on subscribe)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l retained-only -d 'Print only retained messages; exit at the first live one or after --quiet'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l remove-retained -d 'Clear each retained message seen (publish an empty retained message to its topic)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l no-stdout -d 'With --record: print nothing on stdout (records go only to FILE)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -s v -l verbose -d 'Print `topic payload` lines instead of records'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l sparkplug-check -d 'With Sparkplug B decoding: report on stderr each sequence gap (seq 0-255 per edge node) and each NDEATH whose bdSeq does not match its NBIRTH\'s'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand sub" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s t -l topic -d 'Topic to send requests to (with --jsonl: the default for records without a topic)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s e -l response-topic -d 'Topic replies come to [default: from the broker\'s Response Information, else mqtt-rr/<client id>/reply]; required over MQTT 3.1/3.1.1' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s m -l message -d 'The message payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s f -l file -d 'Publish the whole file as one message (binary-safe)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l payload-size -d 'Publish SIZE random bytes, e.g. 1KiB' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l template-file -d 'The payload is FILE with placeholders, expanded for each message as with --template (pub only)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l encoding -d 'Decode -m from base64 or hex first' -r -f -a "base64\t''
hex\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l encode -d 'Read -m, -f, -s (a JSON document) or each -l line (a JSON value) as JSON and send it encoded: cbor, msgpack, protobuf (with --proto or --descriptor-set) or sparkplug; with a template, each expanded payload' -r -f -a "cbor\t''
msgpack\t''
protobuf\t''
sparkplug\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s q -l qos -d 'QoS of the requests and of the response subscription' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l correlation-data -d 'Correlation data of every request [default: fresh random data per request]; one request is then in flight at a time' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l replies -d 'Wait for N matching replies to each request (several responders)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l max-inflight -d 'Requests awaiting their replies at once (with -l or --jsonl)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l interval -d 'Wait DURATION between requests (with --repeat, -l or --jsonl)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l repeat -d 'Send the request N times' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l content-type -d 'Content type of the requests (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l user-property -d 'User property key=value of the requests (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s W -l timeout -d 'How long each request waits for its replies; then exit 6' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l payload -d 'How to put the payload in records: text (base64 when not UTF-8), json, base64, hex, or decoded to JSON: cbor, msgpack, protobuf, sparkplug, auto' -r -f -a "text\t'UTF-8 text; base64 when the bytes are not UTF-8'
json\t'Embed JSON payloads as JSON values; otherwise as text'
base64\t'Always base64'
hex\t'Always hex'
cbor\t'Decode CBOR to JSON'
msgpack\t'Decode MessagePack to JSON'
protobuf\t'Decode Protobuf to JSON with the schema of --proto or --descriptor-set and --message'
sparkplug\t'Decode Sparkplug B to JSON (topic fields, metric names from births)'
auto\t'By content type and topic: Sparkplug B on spBv1.0/ topics, CBOR, MessagePack or Protobuf by MQTT 5 content type, else JSON, text or base64'"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l format -d 'Print each message with a template instead of a record, e.g. \'{topic} {payload}\' (placeholders: time, topic, payload, payload_hex, payload_base64, payload_size, qos, retain, dup, packet_id, json, and every property by name, e.g. {content_type}, {user_properties}, {user_property:KEY}; the decoded payload: {decoded}, {payload.metrics[0].value}; Sparkplug topic fields: {group_id}, {message_type}, {edge_node_id}, {device_id}; escapes \\n \\t \\\\)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l field -d 'Add optional fields to message records (repeatable or comma-separated)' -r -f -a "dup\t''
packet_id\t''
payload_size\t''"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l proto -d 'A .proto file to compile at start-up, no protoc needed (repeatable); imports are looked up in the --proto-path directories, then in the file\'s own directory' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l proto-path -d 'A directory to look up .proto imports in (repeatable)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l descriptor-set -d 'A compiled schema (a FileDescriptorSet, from protoc --descriptor_set_out or buf build) instead of --proto' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l proto-message -d 'The Protobuf message type of the payloads, e.g. sensors.v1.Reading (needed when the schema defines more than one)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s s -l stdin -d 'Publish all of standard input as one message'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s l -l lines -d 'Publish each line of standard input as a message, as it arrives (an empty line is an empty payload; the newline is not part of the payload)'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s n -l null -d 'Publish an empty (zero-length) message'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l jsonl -d 'Read message records (the JSON lines `mqtt sub` prints) from standard input; each record\'s topic, qos, retain and properties override the flags'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -s v -l verbose -d 'Print `topic payload` lines instead of records'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand rr" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s t -l topic -d 'Topic filter requests come to (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s q -l qos -d 'QoS of the subscription and of the replies' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l exec -d 'Answer with the output of this command, run with `sh -c` for each request' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s m -l message -d 'Answer every request with this payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l concurrency -d 'Commands running at once' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l exec-timeout -d 'A command running longer is killed and its request answered with an error' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l response-topic -d 'Where replies go when a request has no Response Topic (required over MQTT 3.1/3.1.1)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s C -l count -d 'Exit after serving N requests' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s W -l timeout -d 'Exit with code 6 when DURATION passes before --count is reached' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l echo -d 'Answer with the request\'s own payload'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l keep-newline -d 'Keep the newline that ends the command\'s output (by default one trailing newline is dropped: `echo ok` answers `ok`)'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l no-output -d 'Do not print `replied` records'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand reply" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l from -d 'The broker to take messages from: a URL or a profile name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l to -d 'The broker to publish them to: a URL or a profile name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s t -l topic -d 'Topic filter to carry (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l map -d 'Rewrite topics: \'src/#=dst/#\' (a prefix) or \'a/b=c/d\' (one topic); repeatable, the first that matches applies, other topics are kept' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s q -l qos -d 'The highest QoS to subscribe and publish with (a message keeps a lower one)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l tee -d 'Append a `message` record of each message carried to FILE (the topic as received)' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l max-inflight -d 'Messages taken from --from and not yet acknowledged by --to, at most' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l loop-marker -d 'Mark forwarded messages and skip marked ones even across two brokers (automatic when --from and --to are the same broker)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l quiet -d 'No `bridged` records'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand bridge" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s t -l topic -d 'Topic filter to watch (repeatable) [default: #]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s q -l qos -d 'QoS of the subscription' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l for -d 'Listen for DURATION, then print [default: until Ctrl-C/SIGTERM]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l quiet -d 'With --retained: how long without retained messages means there are no more' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l sort -d 'Order of the records (and of the --watch table: rate unless given)' -r -f -a "topic\t'By topic name'
rate\t'Most messages a second first'
bytes\t'Most bytes first'
count\t'Most messages first'"
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l max-topics -d 'Topics kept at most; messages on further topics are counted, not listed' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l payload -d 'How to put the last payload in records: text (base64 when not UTF-8), json, base64, hex' -r -f -a "text\t'UTF-8 text; base64 when the bytes are not UTF-8'
json\t'Embed JSON payloads as JSON values; otherwise as text'
base64\t'Always base64'
hex\t'Always hex'
cbor\t'Decode CBOR to JSON'
msgpack\t'Decode MessagePack to JSON'
protobuf\t'Decode Protobuf to JSON with the schema of --proto or --descriptor-set and --message'
sparkplug\t'Decode Sparkplug B to JSON (topic fields, metric names from births)'
auto\t'By content type and topic: Sparkplug B on spBv1.0/ topics, CBOR, MessagePack or Protobuf by MQTT 5 content type, else JSON, text or base64'"
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l payload-bytes -d 'Bytes of the last payload kept and shown (0: none)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l reconnect-delay -d 'First delay before reconnecting; doubles on each failure up to 30s' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l max-reconnects -d 'Give up after N failed reconnect attempts in a row [default: never]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l sys -d 'Also subscribe to $SYS/# (the broker\'s own statistics)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l retained -d 'Only retained messages: list what the broker holds, and stop once no retained message has come for --quiet'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l tree -d 'Print a folded tree of the topic levels with counts instead of records'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l watch -d 'Redraw a table of the busiest topics every second on a terminal (an `ls_tick` record a second when stdout is not a terminal)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l no-reconnect -d 'Do not reconnect when the connection is lost: exit 1 instead'
complete -c mqtt -n "__fish_mqtt_using_subcommand ls" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l topic-prefix -d 'Topics of the checks go under this prefix [default: mqtt-test/<random>/]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l only -d 'Run only these checks (comma-separated names)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l skip -d 'Leave these checks out (comma-separated names)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l require -d 'Exit 0 only if these checks pass [default: the behaviours every broker of the version must have]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l timeout -d 'How long a check waits for each message it expects (the waits for what must not come are a quarter of it); scale it up for slow links' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l max-payload -d 'The largest payload the maximum-payload check tries' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l all-versions -d 'Run the checks under each version the broker accepts (3.1, 3.1.1, 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l json -d 'JSON records even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand test" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "conn" -d 'Open -c connections (at --connect-rate) and hold them'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "pub" -d 'Publish from -c clients at --rate (open loop) or as fast as the broker takes it'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "sub" -d 'Subscribe with -c clients and count messages, loss, duplicates and latency'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "pubsub" -d 'Publishers and subscribers in one process (one clock): end-to-end latency and exact loss'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "merge" -d 'Merge the JSON summaries of --shard runs into one summary (exact: histograms are merged)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and not __fish_seen_subcommand_from conn pub sub pubsub merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s c -l clients -d 'Number of clients (publishers for pub and pubsub), over all --shard processes' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-rate -d 'New connections per second [default: as fast as --connect-concurrency allows]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-concurrency -d 'Connection handshakes in progress at once' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l shard -d 'This process runs shard K of N (0-based): its share of the clients, ids, topics, rate and limit. Default from JOB_COMPLETION_INDEX with --shards N' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l shards -d 'Total number of shards; the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -s d -l duration -d 'Run for DURATION after the warmup [default: until --count/--limit, or Ctrl-C]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l warmup -d 'Leave the first DURATION out of throughput and latency figures' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l json -d 'Also write the summary record to FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l prometheus -d 'Serve the live counters and latency histograms at http://ADDR/metrics in the Prometheus text format while the run lasts, e.g. 127.0.0.1:9464 (port 0: a free one, printed on stderr)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l csv -d 'Also write each tick to FILE as a CSV row (a header row first), for spreadsheets' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l threads -d 'Worker threads [default: one per core; one for runs paced at 10,000 msg/s or less, where latency is measured best without waking tasks across threads]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l no-progress -d 'No progress bar and no human summary on stderr, even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l no-histograms -d 'Leave out the serialized latency histograms from the summary (they are what `bench merge` needs)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from conn" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s c -l clients -d 'Number of clients (publishers for pub and pubsub), over all --shard processes' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-rate -d 'New connections per second [default: as fast as --connect-concurrency allows]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-concurrency -d 'Connection handshakes in progress at once' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l shard -d 'This process runs shard K of N (0-based): its share of the clients, ids, topics, rate and limit. Default from JOB_COMPLETION_INDEX with --shards N' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l shards -d 'Total number of shards; the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s d -l duration -d 'Run for DURATION after the warmup [default: until --count/--limit, or Ctrl-C]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l warmup -d 'Leave the first DURATION out of throughput and latency figures' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l json -d 'Also write the summary record to FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l prometheus -d 'Serve the live counters and latency histograms at http://ADDR/metrics in the Prometheus text format while the run lasts, e.g. 127.0.0.1:9464 (port 0: a free one, printed on stderr)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l csv -d 'Also write each tick to FILE as a CSV row (a header row first), for spreadsheets' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l threads -d 'Worker threads [default: one per core; one for runs paced at 10,000 msg/s or less, where latency is measured best without waking tasks across threads]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s t -l topic -d 'Topic template: %i client index, %c client id, %s message sequence' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s q -l qos -d 'QoS of the messages' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s s -l size -d 'Payload size, header included (a 28-byte header carries publisher, sequence, send time)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s m -l message -d 'Payload text after the header' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s f -l file -d 'Payload after the header from FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l rate -d 'Total messages per second over all publishers (and shards); open loop, absolute schedule' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s I -l interval -d 'Interval between messages of each publisher [default with neither this nor --rate: as fast as the broker takes them]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l max-inflight -d 'QoS 1/2 messages in flight per publisher, capped by the broker\'s Receive Maximum [default: 32; 20 over MQTT 3.1/3.1.1]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l coalesce -d 'As fast as possible (neither --rate nor -I): at most this long an idle thread waits before sleeping on its sockets, so that each wake-up handles many packets (far less CPU per message, larger batches for the broker); it stays below the time the broker needs for what is kept in flight, and adds at most this much latency. 0 turns it off' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s C -l count -d 'Messages per publisher' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l limit -d 'Messages in total (over all publishers and shards)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l no-progress -d 'No progress bar and no human summary on stderr, even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l no-histograms -d 'Leave out the serialized latency histograms from the summary (they are what `bench merge` needs)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -s r -l retain -d 'Retain the messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pub" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s c -l clients -d 'Number of clients (publishers for pub and pubsub), over all --shard processes' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-rate -d 'New connections per second [default: as fast as --connect-concurrency allows]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-concurrency -d 'Connection handshakes in progress at once' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l shard -d 'This process runs shard K of N (0-based): its share of the clients, ids, topics, rate and limit. Default from JOB_COMPLETION_INDEX with --shards N' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l shards -d 'Total number of shards; the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s d -l duration -d 'Run for DURATION after the warmup [default: until --count/--limit, or Ctrl-C]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l warmup -d 'Leave the first DURATION out of throughput and latency figures' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l json -d 'Also write the summary record to FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l prometheus -d 'Serve the live counters and latency histograms at http://ADDR/metrics in the Prometheus text format while the run lasts, e.g. 127.0.0.1:9464 (port 0: a free one, printed on stderr)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l csv -d 'Also write each tick to FILE as a CSV row (a header row first), for spreadsheets' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l threads -d 'Worker threads [default: one per core; one for runs paced at 10,000 msg/s or less, where latency is measured best without waking tasks across threads]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s t -l topic -d 'Topic filter template: %i subscriber index, %c client id' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s q -l qos -d 'QoS of the subscription' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -s C -l count -d 'Stop each subscriber after N messages' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l limit -d 'Stop after N messages received in total' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l no-progress -d 'No progress bar and no human summary on stderr, even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l no-histograms -d 'Leave out the serialized latency histograms from the summary (they are what `bench merge` needs)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from sub" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s h -l host -d 'Broker host name or address, with an optional port: host:port, [IPv6]:port (bench: a comma-separated list, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s p -l port -d 'Broker port [default: 1883, 8883 for TLS, 80/443 for WebSocket]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s L -l url -d 'Broker URL: mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path]; sets transport, host, port, credentials and WebSocket path at once, over -h/-p/-u/-P' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l profile -d 'Take the broker and connection defaults from profile NAME of the config file [default: the config file\'s default_profile, or its [default] profile]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l config -d 'Config file of connection profiles [default: $XDG_CONFIG_HOME/mqtt/config.toml or ~/.config/mqtt/config.toml]' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s V -l protocol-version -d 'MQTT protocol version: 3.1, 3.1.1 or 5 [default: 5, falling back to 3.1.1 when the broker refuses version 5]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s i -l client-id -d 'Client identifier [default: --id-prefix plus random characters]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l id-prefix -d 'Prefix of the generated client identifier' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s u -l username -d 'User name' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s P -l password -d 'Password (prefer --password-file, --password-stdin or MQTT_PASSWORD: arguments are visible to other users); -P without a value asks on the terminal, as --password-prompt' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s k -l keepalive -d 'Keep alive interval in seconds (0 disables)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s x -l session-expiry -d 'Session expiry interval (MQTT 5), e.g. 1h or `never` [default: 0, or `never` with --no-clean]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-timeout -d 'Give up connecting after DURATION' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l source-ip -d 'Local address to connect from (bench: a list or range, e.g. 127.0.0.1-127.0.0.8, spread over the connections)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l cafile -d 'CA certificates (PEM) to verify the broker with, instead of the system\'s' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l capath -d 'A folder of CA certificates (PEM files, e.g. c_rehash\'ed, as mosquitto\'s clients take), beside or instead of --cafile' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l cert -d 'Client certificate chain (PEM) for mutual TLS' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l key -d 'Private key (PEM) of --cert' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l alpn -d 'ALPN protocol to offer (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l sni -d 'Server name for TLS SNI and certificate verification [default: the host]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l ws-path -d 'WebSocket path' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l ws-header -d 'Extra WebSocket handshake header \'Name: value\' (repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-topic -d 'Will topic' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-message -d 'Will payload' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-qos -d 'Will QoS' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-delay -d 'Will delay interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-message-expiry -d 'Will message expiry interval (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-content-type -d 'Will content type (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-payload-format -d 'Will payload format indicator: 1 when the payload is UTF-8 (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-response-topic -d 'Will response topic (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-correlation-data -d 'Will correlation data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-user-property -d 'Will user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l receive-maximum -d 'Receive maximum: QoS 1/2 messages the broker may have in flight to us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l maximum-packet-size -d 'Maximum packet size we accept, e.g. 1MiB (MQTT 5) [default: 256MiB]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l topic-alias-maximum -d 'Topic alias maximum: aliases the broker may use towards us (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-user-property -d 'CONNECT user property key=value (MQTT 5, repeatable)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l auth-method -d 'Enhanced authentication method (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l auth-data -d 'Enhanced authentication data (MQTT 5)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s c -l clients -d 'Number of clients (publishers for pub and pubsub), over all --shard processes' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-rate -d 'New connections per second [default: as fast as --connect-concurrency allows]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-concurrency -d 'Connection handshakes in progress at once' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l shard -d 'This process runs shard K of N (0-based): its share of the clients, ids, topics, rate and limit. Default from JOB_COMPLETION_INDEX with --shards N' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l shards -d 'Total number of shards; the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s d -l duration -d 'Run for DURATION after the warmup [default: until --count/--limit, or Ctrl-C]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l warmup -d 'Leave the first DURATION out of throughput and latency figures' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l json -d 'Also write the summary record to FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l prometheus -d 'Serve the live counters and latency histograms at http://ADDR/metrics in the Prometheus text format while the run lasts, e.g. 127.0.0.1:9464 (port 0: a free one, printed on stderr)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l csv -d 'Also write each tick to FILE as a CSV row (a header row first), for spreadsheets' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l threads -d 'Worker threads [default: one per core; one for runs paced at 10,000 msg/s or less, where latency is measured best without waking tasks across threads]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s t -l topic -d 'Topic template: %i client index, %c client id, %s message sequence' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s q -l qos -d 'QoS of the messages' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s s -l size -d 'Payload size, header included (a 28-byte header carries publisher, sequence, send time)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s m -l message -d 'Payload text after the header' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s f -l file -d 'Payload after the header from FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l rate -d 'Total messages per second over all publishers (and shards); open loop, absolute schedule' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s I -l interval -d 'Interval between messages of each publisher [default with neither this nor --rate: as fast as the broker takes them]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l max-inflight -d 'QoS 1/2 messages in flight per publisher, capped by the broker\'s Receive Maximum [default: 32; 20 over MQTT 3.1/3.1.1]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l coalesce -d 'As fast as possible (neither --rate nor -I): at most this long an idle thread waits before sleeping on its sockets, so that each wake-up handles many packets (far less CPU per message, larger batches for the broker); it stays below the time the broker needs for what is kept in flight, and adds at most this much latency. 0 turns it off' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s C -l count -d 'Messages per publisher' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l limit -d 'Messages in total (over all publishers and shards)' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l subscribers -d 'Subscribers in this process' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l sub-topic -d 'Subscription filter template (%i subscriber index) [default: the topic with every templated level replaced by +]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l sub-qos -d 'QoS of the subscription [default: the publish QoS]' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l drain -d 'After publishing ends, wait at most DURATION for the last messages' -r
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l password-prompt -d 'Ask for the password on the terminal, without echo'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l password-stdin -d 'Read the password from the first line of standard input: the safe way in scripts (`secret-tool lookup mqtt prod | mqtt pub --password-stdin ...`); not with -s, -l or --jsonl, which read stdin for messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l no-clean -d 'Resume a session: clean start / clean session off'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l tls -d 'Use TLS (mqtts://); implied by -L mqtts:// or wss://, --cafile, --capath, --cert and --insecure'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l ws -d 'Use WebSocket (ws://, or wss:// with TLS)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l insecure -d 'Do not verify the broker\'s certificate or host name (prints a warning)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-retain -d 'Retain the will'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l request-response-info -d 'Ask for response information in the CONNACK (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l no-problem-info -d 'Ask the broker to leave out reason strings and user properties on errors (MQTT 5)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l no-progress -d 'No progress bar and no human summary on stderr, even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l no-histograms -d 'Leave out the serialized latency histograms from the summary (they are what `bench merge` needs)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s r -l retain -d 'Retain the messages'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from merge" -l json -d 'Also write the merged summary to FILE' -r -F
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from merge" -l log -d 'Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)' -r -f -a "human\t'`mqtt: warning: ...` lines'
json\t'One JSON object a line: type "log", time, level, kind, message'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from merge" -l color -d 'Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a terminal and NO_COLOR is not set)' -r -f -a "auto\t'When stdout is a terminal and NO_COLOR is not set'
always\t'Always, also into a pipe or a file'
never\t'Never'"
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from merge" -l no-progress -d 'No human summary on stderr, even on a terminal'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from merge" -l help -d 'Print help'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "conn" -d 'Open -c connections (at --connect-rate) and hold them'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "pub" -d 'Publish from -c clients at --rate (open loop) or as fast as the broker takes it'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Subscribe with -c clients and count messages, loss, duplicates and latency'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "pubsub" -d 'Publishers and subscribers in one process (one clock): end-to-end latency and exact loss'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge the JSON summaries of --shard runs into one summary (exact: histograms are merged)'
complete -c mqtt -n "__fish_mqtt_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "conn" -d 'Connect, print the CONNACK as a JSON record, disconnect; exit by the outcome'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "pub" -d 'Publish messages from -m, a file, stdin, stdin lines or JSON lines'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "sub" -d 'Subscribe and print each message as a JSON line; stop on count or timeout'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "rr" -d 'Send a request, wait for its reply (MQTT 5 Response Topic and Correlation Data)'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "reply" -d 'Answer requests: with a command\'s output, a fixed message, or the request itself'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "bridge" -d 'Carry messages from one broker to another: properties, retain and QoS kept, acknowledged upstream only once the downstream broker has them'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "ls" -d 'List the live topics: messages, bytes, rate, retained, last payload (or a tree, or a table redrawn every second)'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "test" -d 'Check what a broker really does: QoS, retained, wildcards, sessions, wills, limits, MQTT 5'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "bench" -d 'Load generator: hold connections, publish, subscribe, measure latency and loss'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and not __fish_seen_subcommand_from conn pub sub rr reply bridge ls test bench help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "conn" -d 'Open -c connections (at --connect-rate) and hold them'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "pub" -d 'Publish from -c clients at --rate (open loop) or as fast as the broker takes it'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "sub" -d 'Subscribe with -c clients and count messages, loss, duplicates and latency'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "pubsub" -d 'Publishers and subscribers in one process (one clock): end-to-end latency and exact loss'
complete -c mqtt -n "__fish_mqtt_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "merge" -d 'Merge the JSON summaries of --shard runs into one summary (exact: histograms are merged)'
