//! The attributes of one start tag for the view reader (ADR 0008), split the way quick-xml's
//! `Attributes` splits them in XML mode, without its cost per tag.
//!
//! quick-xml's iterator allocates a list of the names seen (to refuse duplicates) for every tag
//! with an attribute and normalizes every value through its general routine; together with
//! its name handling that was a fifth of reading a domain. Here the names seen stay on the
//! stack for ordinary tags, and a value is handed to quick-xml's normalization only when it
//! has something to normalize (`&`, tab, CR or LF). The splitting follows quick-xml's rules:
//! a name runs to `=` or whitespace, whitespace may surround `=`, the value must be quoted and
//! runs to the same quote; any other shape is an error, as is a name given twice.

use crate::view_tokens::is_space;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;
use std::borrow::Cow;
use std::collections::HashSet;

/// Names a tag declared so far: a few inline, a set beyond that (so that a tag with very many
/// attributes costs linear time, as in quick-xml).
struct Seen<'a> {
    few: [&'a str; 8],
    len: usize,
    many: Option<HashSet<&'a str>>,
}

impl<'a> Seen<'a> {
    /// Records `name`; false if it was seen before.
    fn insert(&mut self, name: &'a str) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(name);
        }
        if self.few[..self.len].contains(&name) {
            return false;
        }
        if self.len < self.few.len() {
            self.few[self.len] = name;
            self.len += 1;
        } else {
            let mut many: HashSet<&'a str> = self.few.iter().copied().collect();
            many.insert(name);
            self.many = Some(many);
        }
        true
    }
}

/// The attributes of a tag, in document order. After an error it yields nothing more.
pub(crate) struct ViewAttributes<'a> {
    tag: &'a str,
    pos: usize,
    seen: Seen<'a>,
}

impl<'a> ViewAttributes<'a> {
    /// The attributes of `tag` (a start tag between `<` and `>`), whose name is `name_len`
    /// bytes long.
    pub(crate) fn new(tag: &'a str, name_len: usize) -> Self {
        Self {
            tag,
            pos: name_len,
            seen: Seen {
                few: [""; 8],
                len: 0,
                many: None,
            },
        }
    }

    fn fail(&mut self, message: String) -> Option<Result<(&'a str, Cow<'a, str>), String>> {
        self.pos = self.tag.len();
        Some(Err(message))
    }
}

/// The index of the first byte at or after `from` that `f` accepts.
fn find(bytes: &[u8], from: usize, f: impl Fn(u8) -> bool) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| f(b))
        .map(|i| from + i)
}

impl<'a> Iterator for ViewAttributes<'a> {
    /// The name as written and the normalized value, or why the tag is malformed.
    type Item = Result<(&'a str, Cow<'a, str>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        let (tag, bytes) = (self.tag, self.tag.as_bytes());
        let Some(start) = find(bytes, self.pos, |b| !is_space(b)) else {
            self.pos = tag.len();
            return None;
        };
        // The name's first byte is taken whatever it is; the name ends at `=` or whitespace.
        let Some(end) = find(bytes, start + 1, |b| b == b'=' || is_space(b)) else {
            return self.fail(format!("attribute `{}` without `=`", &tag[start..]));
        };
        let eq = match bytes[end] {
            b'=' => end,
            _ => match find(bytes, end + 1, |b| !is_space(b)) {
                Some(i) if bytes[i] == b'=' => i,
                _ => return self.fail(format!("attribute `{}` without `=`", &tag[start..end])),
            },
        };
        let name = &tag[start..end];
        if !self.seen.insert(name) {
            return self.fail(format!("attribute `{name}` given twice"));
        }
        let Some(open) = find(bytes, eq + 1, |b| !is_space(b)) else {
            return self.fail(format!("attribute `{name}` without a value"));
        };
        let quote = bytes[open];
        if quote != b'"' && quote != b'\'' {
            return self.fail(format!("attribute `{name}` has an unquoted value"));
        }
        let Some(close) = memchr::memchr(quote, &bytes[open + 1..]).map(|i| open + 1 + i) else {
            return self.fail(format!(
                "attribute `{name}`: the value's quote is not closed"
            ));
        };
        self.pos = close + 1;
        let raw = &tag[open + 1..close];
        if !raw
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'))
        {
            return Some(Ok((name, Cow::Borrowed(raw))));
        }
        // Something to normalize: exactly as quick-xml does it.
        let attribute = Attribute {
            key: QName(name),
            value: Cow::Borrowed(raw),
        };
        match attribute.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => Some(Ok((name, value))),
            Err(e) => self.fail(format!("attribute `{name}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::attributes::Attributes;

    /// What quick-xml's iterator reads from `tag`: the attributes up to the first error, and
    /// whether there was one.
    fn reference(tag: &str, name_len: usize) -> (Vec<(String, String)>, bool) {
        let mut out = Vec::new();
        for a in Attributes::new(tag, name_len) {
            match a {
                Ok(a) => match a.normalized_value(XmlVersion::Implicit1_0) {
                    Ok(v) => out.push((a.key.into_inner().to_owned(), v.into_owned())),
                    Err(_) => return (out, true),
                },
                Err(_) => return (out, true),
            }
        }
        (out, false)
    }

    fn ours(tag: &str, name_len: usize) -> (Vec<(String, String)>, bool) {
        let mut out = Vec::new();
        for a in ViewAttributes::new(tag, name_len) {
            match a {
                Ok((k, v)) => out.push((k.to_owned(), v.into_owned())),
                Err(_) => return (out, true),
            }
        }
        (out, false)
    }

    #[test]
    fn tags_split_as_quick_xml_splits_them() {
        let many: String = (0..40).map(|i| format!(" a{i}='{i}'")).collect();
        let many_dup = format!("{many} a7='again'");
        let tags = [
            "disk",
            "disk ",
            "disk type='file' device=\"disk\"",
            "disk  type = 'file'\n\tdevice=\t\"disk\" ",
            "x a='1'b='2'",
            "x a='&lt;&amp;&#x41;&quot;' b=\"line\r\nbreak\ttab\"",
            "x tab='a\tb' lf='a\nb' cr='a\rb' amp='a&amp;b'",
            "x a='\u{e9}\u{2713}' \u{e9}='x'",
            "x xmlns:v='urn:v' v:a='1' xml:lang='en' xmlns='urn:d'",
            "x a='1' a='2'",
            "x a='1' b='2' a='3'",
            "x a",
            "x a b='1'",
            "x a=",
            "x a= ",
            "x a=1",
            "x a='1",
            "x a=\"1'",
            "x ='1'",
            "x a='&unknown;'",
            "x a='&#0;'",
            "x a='&'",
            "x =",
            "x a='1'=",
            "x a='>'",
            &many,
            &many_dup,
        ];
        for tag in tags {
            let name_len = tag.bytes().position(is_space).unwrap_or(tag.len());
            assert_eq!(ours(tag, name_len), reference(tag, name_len), "{tag:?}");
        }
    }

    #[test]
    fn values_without_anything_to_normalize_are_borrowed() {
        let tag = "source file='/var/lib/images/a b.qcow2' index='1'";
        let got: Vec<_> = ViewAttributes::new(tag, 6).map(Result::unwrap).collect();
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|(_, v)| matches!(v, Cow::Borrowed(_))));
        assert_eq!(got[0], ("file", Cow::Borrowed("/var/lib/images/a b.qcow2")));
    }
}
