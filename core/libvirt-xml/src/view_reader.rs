//! Reading the typed views: a serde deserializer over a borrowed element arena (ADR 0008).
//!
//! quick-xml's own serde deserializer costs about 30 µs per domain document, more than libvirt
//! takes to produce it; a full sync parses thousands. This reader tokenizes once with
//! quick-xml into a flat arena that borrows names (and text without entities) from the input,
//! then drives the views' derived `Deserialize` impls over it. It follows quick-xml's mapping,
//! which the views are written for: `@name` fields are attributes, `$text` is the element's
//! text, other fields are child elements, a `Vec` takes every child of its name, and text is
//! trimmed. Tests compare both readers on every captured document.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use std::borrow::Cow;

/// Why a document could not be read into a view.
#[derive(Debug)]
pub struct ViewError(pub String);

impl std::fmt::Display for ViewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ViewError {}

impl de::Error for ViewError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

const NONE: u32 = u32::MAX;

/// One element of the arena; its attributes and children are linked by index.
struct Node<'a> {
    name: Cow<'a, str>,
    attrs: (u32, u32),
    text: Option<Cow<'a, str>>,
    /// Why the attributes could not be read; reported only when a view asks for them.
    bad_attrs: Option<String>,
    /// Why the text could not be read; likewise.
    bad_text: Option<String>,
    first_child: u32,
    next_sibling: u32,
}

/// Every element of one document, in document order.
struct Arena<'a> {
    nodes: Vec<Node<'a>>,
    attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Reads `xml` into the view `T`.
pub fn from_str<T: DeserializeOwned>(xml: &str) -> Result<T, ViewError> {
    let arena = Arena::parse(xml)?;
    if arena.nodes.is_empty() {
        return Err(ViewError("no root element".into()));
    }
    T::deserialize(ElementDe {
        arena: &arena,
        first: 0,
        single: true,
    })
}

/// `part` as a borrow of `input` when it is a slice of it (every event of a reader over a
/// `&str` is), else a copy.
fn borrow_from<'a>(input: &'a str, part: &str) -> Cow<'a, str> {
    let (base, start) = (input.as_ptr() as usize, part.as_ptr() as usize);
    match start.checked_sub(base) {
        Some(off) if off + part.len() <= input.len() => {
            Cow::Borrowed(&input[off..off + part.len()])
        }
        _ => Cow::Owned(part.to_owned()),
    }
}

fn append<'a>(text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    match text {
        None => *text = Some(piece),
        Some(t) => t.to_mut().push_str(&piece),
    }
}

impl<'a> Arena<'a> {
    fn parse(xml: &'a str) -> Result<Self, ViewError> {
        let mut reader = Reader::from_str(xml);
        let mut arena = Arena {
            nodes: Vec::with_capacity(xml.len() / 40),
            attrs: Vec::with_capacity(xml.len() / 40),
        };
        // Open elements, each with the index of its last child so far.
        let mut stack: Vec<(u32, u32)> = Vec::with_capacity(16);
        let at = |r: &Reader<&[u8]>, m: String| {
            ViewError(format!("{m} at byte {}", r.buffer_position()))
        };
        loop {
            match reader
                .read_event()
                .map_err(|e| at(&reader, e.to_string()))?
            {
                Event::Start(s) => {
                    let idx = arena
                        .open(xml, &s, &mut stack)
                        .map_err(|m| at(&reader, m))?;
                    stack.push((idx, NONE));
                }
                Event::Empty(s) => {
                    arena
                        .open(xml, &s, &mut stack)
                        .map_err(|m| at(&reader, m))?;
                    if stack.is_empty() {
                        break;
                    }
                }
                Event::End(_) => {
                    let (idx, _) = stack
                        .pop()
                        .ok_or_else(|| at(&reader, "unexpected end tag".into()))?;
                    // Whitespace between child elements is not text (a leaf keeps it).
                    let node = &mut arena.nodes[idx as usize];
                    if node.first_child != NONE
                        && node.text.as_deref().is_some_and(|t| t.trim().is_empty())
                    {
                        node.text = None;
                    }
                    // Like quick-xml's reader, what follows the root element is not read.
                    if stack.is_empty() {
                        break;
                    }
                }
                Event::Text(t) => {
                    if let Some(&(idx, _)) = stack.last() {
                        append(&mut arena.nodes[idx as usize].text, t.xml10_content());
                    }
                }
                Event::CData(c) => {
                    if let Some(&(idx, _)) = stack.last() {
                        append(&mut arena.nodes[idx as usize].text, c.into_inner());
                    }
                }
                Event::GeneralRef(r) => {
                    let Some(&(idx, _)) = stack.last() else {
                        return Err(at(&reader, "entity outside the root element".into()));
                    };
                    let resolved: Cow<'a, str> = match &*r {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string().into(),
                            // An error only if a view reads this text (as with quick-xml).
                            Ok(None) | Err(_) => {
                                let node = &mut arena.nodes[idx as usize];
                                node.bad_text
                                    .get_or_insert_with(|| format!("unknown entity &{other};"));
                                continue;
                            }
                        },
                    };
                    append(&mut arena.nodes[idx as usize].text, resolved);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(&(idx, _)) = stack.last() {
            let name = &arena.nodes[idx as usize].name;
            return Err(ViewError(format!("unclosed element <{name}>")));
        }
        Ok(arena)
    }

    /// Adds an element under the innermost open one; returns its index.
    fn open(
        &mut self,
        xml: &'a str,
        s: &BytesStart<'_>,
        stack: &mut [(u32, u32)],
    ) -> Result<u32, String> {
        let name_len = s.name().0.len();
        let content = borrow_from(xml, s);
        let name = match &content {
            Cow::Borrowed(c) => Cow::Borrowed(&c[..name_len]),
            Cow::Owned(c) => Cow::Owned(c[..name_len].to_owned()),
        };
        let first_attr = self.attrs.len() as u32;
        let bad_attrs = match content {
            Cow::Borrowed(c) => {
                self.attributes(Attributes::new(c, name_len), |k, v| (Cow::Borrowed(k), v))
            }
            Cow::Owned(c) => self.attributes(Attributes::new(&c, name_len), |k, v| {
                (Cow::Owned(k.to_owned()), Cow::Owned(v.into_owned()))
            }),
        }
        .err();
        let idx = self.nodes.len() as u32;
        self.nodes.push(Node {
            name,
            attrs: (first_attr, self.attrs.len() as u32),
            text: None,
            bad_attrs,
            bad_text: None,
            first_child: NONE,
            next_sibling: NONE,
        });
        if let Some((parent, last)) = stack.last_mut() {
            if *last == NONE {
                self.nodes[*parent as usize].first_child = idx;
            } else {
                self.nodes[*last as usize].next_sibling = idx;
            }
            *last = idx;
        }
        Ok(idx)
    }

    /// Reads attributes until the first malformed one (quick-xml too reads them only when
    /// asked, so a broken attribute of an element no view reads is not an error).
    fn attributes<'b>(
        &mut self,
        attrs: Attributes<'b>,
        own: impl Fn(&'b str, Cow<'b, str>) -> (Cow<'a, str>, Cow<'a, str>),
    ) -> Result<(), String> {
        for a in attrs {
            let a = a.map_err(|e| e.to_string())?;
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            self.attrs.push(own(a.key.0, value));
        }
        Ok(())
    }
}

/// A field's value: the element at `first` and, unless `single`, its later siblings of the
/// same name (the items of a `Vec`).
#[derive(Clone, Copy)]
struct ElementDe<'t, 'a> {
    arena: &'t Arena<'a>,
    first: u32,
    single: bool,
}

impl<'t, 'a> ElementDe<'t, 'a> {
    fn nodes(self) -> impl Iterator<Item = u32> + 't {
        let arena = self.arena;
        let name: &'t str = &arena.nodes[self.first as usize].name;
        let mut next = self.first;
        let single = self.single;
        std::iter::from_fn(move || {
            while next != NONE {
                let cur = next;
                next = if single {
                    NONE
                } else {
                    arena.nodes[cur as usize].next_sibling
                };
                if arena.nodes[cur as usize].name == name {
                    return Some(cur);
                }
            }
            None
        })
    }

    fn text_de(self) -> Result<TextDe<'t>, ViewError> {
        let node = &self.arena.nodes[self.first as usize];
        match (&node.bad_text, &node.text) {
            (Some(bad), _) => Err(ViewError(format!("<{}>: {bad}", node.name))),
            (None, Some(t)) => Ok(TextDe(Cow::Borrowed(t.as_ref()))),
            (None, None) => Ok(TextDe(Cow::Borrowed(""))),
        }
    }
}

macro_rules! from_text {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
            self.text_de()?.$method(visitor)
        })*
    };
}

impl<'de, 't, 'a> de::Deserializer<'de> for ElementDe<'t, 'a> {
    type Error = ViewError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        let node = &self.arena.nodes[self.first as usize];
        if node.first_child == NONE && node.attrs.0 == node.attrs.1 {
            self.text_de()?.deserialize_any(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    from_text!(deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_str deserialize_string deserialize_bytes
        deserialize_byte_buf deserialize_identifier);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_seq(SeqDe {
            nodes: Box::new(self.nodes()),
            el: self,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        let node = &self.arena.nodes[self.first as usize];
        visitor.visit_map(MapDe {
            arena: self.arena,
            node: self.first,
            attr: node.attrs.0,
            text_done: false,
            child: node.first_child,
            seen: Vec::new(),
            key: String::new(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        self.text_de()?.deserialize_enum(_name, _variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_unit()
    }
}

/// Every element of one name, for a `Vec` field.
struct SeqDe<'t, 'a> {
    nodes: Box<dyn Iterator<Item = u32> + 't>,
    el: ElementDe<'t, 'a>,
}

impl<'de, 't, 'a> de::SeqAccess<'de> for SeqDe<'t, 'a> {
    type Error = ViewError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ViewError> {
        match self.nodes.next() {
            // One element: its siblings of the same name are not part of it.
            Some(idx) => seed
                .deserialize(ElementDe {
                    first: idx,
                    single: true,
                    ..self.el
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The fields of one element: attributes (`@name`), its text (`$text`), then each child name
/// once.
struct MapDe<'t, 'a> {
    arena: &'t Arena<'a>,
    node: u32,
    attr: u32,
    text_done: bool,
    child: u32,
    seen: Vec<&'t str>,
    key: String,
    value: Option<Value<'t, 'a>>,
}

enum Value<'t, 'a> {
    Text(Cow<'t, str>),
    Element(ElementDe<'t, 'a>),
}

impl<'de, 't, 'a> de::MapAccess<'de> for MapDe<'t, 'a> {
    type Error = ViewError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ViewError> {
        let node = &self.arena.nodes[self.node as usize];
        if let Some(bad) = &node.bad_attrs {
            return Err(ViewError(format!("<{}>: {bad}", node.name)));
        }
        if self.attr < node.attrs.1 {
            let (name, value) = &self.arena.attrs[self.attr as usize];
            self.attr += 1;
            self.key.clear();
            self.key.push('@');
            self.key.push_str(name);
            self.value = Some(Value::Text(Cow::Borrowed(value.as_ref())));
            return seed.deserialize(StrDeserializer::new(&self.key)).map(Some);
        }
        if !self.text_done {
            self.text_done = true;
            if let Some(t) = &node.text {
                if let Some(bad) = &node.bad_text {
                    return Err(ViewError(format!("<{}>: {bad}", node.name)));
                }
                self.value = Some(Value::Text(Cow::Borrowed(t.as_ref())));
                return seed.deserialize(StrDeserializer::new("$text")).map(Some);
            }
        }
        while self.child != NONE {
            let idx = self.child;
            let child = &self.arena.nodes[idx as usize];
            self.child = child.next_sibling;
            let name: &'t str = &child.name;
            if self.seen.contains(&name) {
                continue;
            }
            self.seen.push(name);
            self.value = Some(Value::Element(ElementDe {
                arena: self.arena,
                first: idx,
                single: false,
            }));
            return seed.deserialize(StrDeserializer::new(name)).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ViewError> {
        match self.value.take() {
            Some(Value::Text(t)) => seed.deserialize(TextDe(t)),
            Some(Value::Element(e)) => seed.deserialize(e),
            None => Err(ViewError("a value without its key".into())),
        }
    }
}

/// An attribute value or an element's text.
struct TextDe<'t>(Cow<'t, str>);

impl TextDe<'_> {
    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, ViewError>
    where
        T::Err: std::fmt::Display,
    {
        self.0
            .trim()
            .parse()
            .map_err(|e| ViewError(format!("invalid {what} {:?}: {e}", self.0)))
    }
}

macro_rules! parsed {
    ($($method:ident $visit:ident $t:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
            visitor.$visit(self.parse::<$t>(stringify!($t))?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for TextDe<'_> {
    type Error = ViewError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        match self.0 {
            Cow::Borrowed(b) => visitor.visit_str(b),
            Cow::Owned(o) => visitor.visit_string(o),
        }
    }

    parsed!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64,
        deserialize_char visit_char char);

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        match self.0.trim() {
            "true" | "1" | "yes" | "on" => visitor.visit_bool(true),
            "false" | "0" | "no" | "off" => visitor.visit_bool(false),
            other => Err(ViewError(format!("invalid bool {other:?}"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        visitor.visit_enum(self.0.into_owned().into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ViewError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ViewError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier
    }
}
