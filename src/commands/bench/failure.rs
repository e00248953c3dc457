//! Short names for why a connection could not be made, for the summary's
//! `connect_failures` and the hints on stderr. They come from the error text (the
//! "(os error N)" that std puts in it): typed connect errors will replace this one place.
/// `Not authorized` -> `not_authorized`.
pub fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_matches('_').to_string()
}

/// A short name for why a connection could not be made, from the error text.
pub fn failure_kind(message: &str) -> &'static str {
    if message.contains("(os error 24)") || message.contains("(os error 23)") {
        "too_many_open_files"
    } else if message.contains("(os error 99)") {
        "address_not_available"
    } else if message.contains("(os error 111)") {
        "connection_refused"
    } else if message.contains("(os error 104)") || message.contains("closed the connection") {
        "closed_by_broker"
    } else if message.contains("(os error 110)") || message.contains("--connect-timeout") {
        "timeout"
    } else if message.contains("cannot resolve") {
        "dns"
    } else if message.contains("TLS") {
        "tls"
    } else if message.contains("WebSocket") {
        "websocket"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_named_from_the_os_error_in_their_text() {
        assert_eq!(
            failure_kind("cannot connect to 127.0.0.1:1: Connection refused (os error 111)"),
            "connection_refused"
        );
        assert_eq!(
            failure_kind("Too many open files (os error 24)"),
            "too_many_open_files"
        );
        assert_eq!(
            failure_kind("Cannot assign requested address (os error 99)"),
            "address_not_available"
        );
        assert_eq!(
            failure_kind("no CONNACK from x within 10s (--connect-timeout)"),
            "timeout"
        );
        assert_eq!(failure_kind("something else"), "other");
        assert_eq!(snake("Not authorized"), "not_authorized");
        assert_eq!(
            snake("Bad user name or password"),
            "bad_user_name_or_password"
        );
    }
}
