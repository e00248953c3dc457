//! The checks of MQTT 5 features.
use super::Check;

pub fn checks() -> Vec<Check> {
    Vec::new()
}
