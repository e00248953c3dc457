//! How each kind of property value is measured, written and read on the wire, for the code
//! `properties.rs` generates from its table: a field holds a value at most once (`Option`) or
//! repeated (`Vec`), and each occurrence is the identifier followed by the value.
use bytes::{BufMut, Bytes, BytesMut};

use super::{wire, Error};

/// How a property's field is measured, written and read on the wire: once (`Option`) or
/// repeated (`Vec`), each occurrence the identifier then the value.
pub(super) trait Slot {
    fn is_set(&self) -> bool;
    /// Bytes on the wire, identifiers included.
    fn wire_len(&self) -> usize;
    fn encode(&self, pid: u8, out: &mut BytesMut);
    /// Read one value (the identifier is read): a second one of a single property is an error.
    fn decode(&mut self, d: &mut Bytes, name: &'static str) -> Result<(), Error>;
}

/// A value that appears at most once.
trait Single: Sized {
    fn len(&self) -> usize;
    fn put(&self, out: &mut BytesMut);
    fn read(d: &mut Bytes, name: &'static str) -> Result<Self, Error>;
}

/// Integers of 1, 2 and 4 bytes, big-endian.
macro_rules! integer {
    ($t:ty, $put:ident, $read:ident) => {
        impl Single for $t {
            fn len(&self) -> usize {
                std::mem::size_of::<$t>()
            }
            fn put(&self, out: &mut BytesMut) {
                out.$put(*self)
            }
            fn read(d: &mut Bytes, name: &'static str) -> Result<Self, Error> {
                wire::$read(d, name)
            }
        }
    };
}
integer!(u8, put_u8, read_u8);
integer!(u16, put_u16, read_u16);
integer!(u32, put_u32, read_u32);

impl Single for String {
    fn len(&self) -> usize {
        wire::field_len(self.len())
    }
    fn put(&self, out: &mut BytesMut) {
        wire::write_string(out, self)
    }
    fn read(d: &mut Bytes, name: &'static str) -> Result<Self, Error> {
        wire::read_string(d, name)
    }
}

impl Single for Bytes {
    fn len(&self) -> usize {
        wire::field_len(self.len())
    }
    fn put(&self, out: &mut BytesMut) {
        wire::write_binary(out, self)
    }
    fn read(d: &mut Bytes, name: &'static str) -> Result<Self, Error> {
        wire::read_binary(d, name)
    }
}

impl<T: Single> Slot for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }
    fn wire_len(&self) -> usize {
        self.as_ref().map_or(0, |v| 1 + v.len())
    }
    fn encode(&self, pid: u8, out: &mut BytesMut) {
        if let Some(v) = self {
            out.put_u8(pid);
            v.put(out);
        }
    }
    fn decode(&mut self, d: &mut Bytes, name: &'static str) -> Result<(), Error> {
        let v = T::read(d, name)?;
        set_once(self, v, name)
    }
}

/// Subscription identifiers: variable byte integers.
impl Slot for Vec<u32> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn wire_len(&self) -> usize {
        self.iter().map(|&v| 1 + wire::varint_len(v as usize)).sum()
    }
    fn encode(&self, pid: u8, out: &mut BytesMut) {
        for &v in self {
            out.put_u8(pid);
            wire::write_varint(out, v as usize);
        }
    }
    fn decode(&mut self, d: &mut Bytes, name: &'static str) -> Result<(), Error> {
        self.push(wire::read_varint(d, name)?);
        Ok(())
    }
}

/// User properties: string pairs.
impl Slot for Vec<(String, String)> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn wire_len(&self) -> usize {
        self.iter()
            .map(|(k, v)| 1 + wire::field_len(k.len()) + wire::field_len(v.len()))
            .sum()
    }
    fn encode(&self, pid: u8, out: &mut BytesMut) {
        for (k, v) in self {
            out.put_u8(pid);
            wire::write_string(out, k);
            wire::write_string(out, v);
        }
    }
    fn decode(&mut self, d: &mut Bytes, name: &'static str) -> Result<(), Error> {
        let k = wire::read_string(d, name)?;
        let v = wire::read_string(d, name)?;
        self.push((k, v));
        Ok(())
    }
}

/// Store the value of a property that may appear once.
pub(super) fn set_once<T>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::DuplicateProperty(name));
    }
    *slot = Some(value);
    Ok(())
}
