//! How `sub` and `rr` print a message: a `message` record, a `topic payload` line (`-v`), or
//! a `--format` template.
use super::message::{self, Answers, Field};
use super::payload::PayloadFormat;
use super::template::Template;
use crate::protocol::Publish;

pub enum Printer {
    Record,
    Verbose,
    Template(Template),
}

impl Printer {
    /// `--format` wins over `-v`, which wins over records; a malformed template is an error.
    pub fn new(format: Option<&str>, verbose: bool) -> Result<Printer, String> {
        Ok(match (format, verbose) {
            (Some(t), _) => Printer::Template(Template::parse(t)?),
            (None, true) => Printer::Verbose,
            (None, false) => Printer::Record,
        })
    }

    /// Append `p` (received at `time`) to `out`, a line with its newline.
    pub fn print(
        &self,
        out: &mut Vec<u8>,
        p: &Publish,
        time: &str,
        (payload, fields): (PayloadFormat, &[Field]),
        answers: Option<Answers>,
    ) {
        match self {
            Printer::Record => message::write_answer(out, p, time, payload, fields, answers),
            Printer::Verbose => {
                out.extend_from_slice(p.topic.as_bytes());
                out.push(b' ');
                out.extend_from_slice(&p.payload);
                out.push(b'\n');
            }
            Printer::Template(t) => {
                t.render(p, time, out);
                out.push(b'\n');
            }
        }
    }
}
