//! How `sub` and `rr` print a message: a `message` record, a `topic payload` line (`-v`), or
//! a `--format` template; with the payload decoded as `--payload` says.
use super::codec::{Decoded, Decoder};
use super::message::{self, Answers, Field};
use super::template::Template;
use crate::protocol::Publish;

enum Kind {
    Record,
    Verbose,
    Template(Template),
}

pub struct Printer {
    kind: Kind,
    decoder: Decoder,
}

impl Printer {
    /// `--format` wins over `-v`, which wins over records; a malformed template is an error.
    pub fn new(format: Option<&str>, verbose: bool, decoder: Decoder) -> Result<Printer, String> {
        let kind = match (format, verbose) {
            (Some(t), _) => Kind::Template(Template::parse(t)?),
            (None, true) => Kind::Verbose,
            (None, false) => Kind::Record,
        };
        Ok(Printer { kind, decoder })
    }

    /// Whether it prints records (JSON, which a terminal shows in colour).
    pub fn prints_records(&self) -> bool {
        matches!(self.kind, Kind::Record)
    }

    /// Append `p` (received at `time`) to `out`, a line with its newline. Returns what
    /// `--sparkplug-check` found wrong, for stderr.
    pub fn print(
        &mut self,
        out: &mut Vec<u8>,
        p: &Publish,
        time: &str,
        fields: &[Field],
        answers: Option<Answers>,
    ) -> Vec<String> {
        let (decoded, warnings) = self.decoder.decode(p);
        match &self.kind {
            Kind::Record => message::write_answer(out, p, time, &decoded, fields, answers),
            Kind::Verbose => {
                out.extend_from_slice(p.topic.as_bytes());
                out.push(b' ');
                match &decoded {
                    Decoded::Value { value, .. } => out.extend_from_slice(value.get().as_bytes()),
                    _ => out.extend_from_slice(&p.payload),
                }
                out.push(b'\n');
            }
            Kind::Template(t) => {
                t.render(p, time, &decoded, out);
                out.push(b'\n');
            }
        }
        warnings
    }
}
