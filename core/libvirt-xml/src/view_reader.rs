//! Reading the typed views: a serde deserializer over a borrowed element arena (ADR 0008).
//!
//! quick-xml's own serde deserializer costs about 30 µs per domain document, more than libvirt
//! takes to produce it; a full sync parses thousands. This reader tokenizes once
//! ([`crate::view_tokens`], split exactly as quick-xml splits) into a flat arena that borrows
//! tags (and text without entities) from the input, then drives the views' derived
//! `Deserialize` impls over it. Attributes are read ([`crate::view_attributes`], split as
//! quick-xml splits them) only for elements a view reads. It follows quick-xml's mapping, which
//! the views are written for: `@name` fields are attributes, `$text` is the element's text,
//! other fields are child elements, a `Vec` takes every child of its name, and text is trimmed.
//! Tests compare both readers on every captured document and on mutated ones.

use crate::view_attributes::ViewAttributes;
use crate::view_tokens::{Token, Tokens};
use quick_xml::events::BytesRef;
use quick_xml::name::QName;
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

/// One element of the arena; its children are linked by index. Attributes stay unread in
/// `start` until a view asks for them, so elements no view reads cost only their tokenizing.
struct Node<'a> {
    /// The start tag between `<` and `>` (or `/>`): the name, then the attributes.
    start: &'a str,
    name_len: u32,
    /// Where the local name (the name without a namespace prefix) starts in `start`.
    local_start: u32,
    text: Option<Cow<'a, str>>,
    /// Why the text could not be read; reported only when a view asks for it.
    bad_text: Option<Box<str>>,
    first_child: u32,
    next_sibling: u32,
}

impl Node<'_> {
    fn name(&self) -> &str {
        &self.start[..self.name_len as usize]
    }

    /// The name a view's field matches: the local name, without a namespace prefix (as
    /// quick-xml maps element names).
    fn field_name(&self) -> &str {
        &self.start[self.local_start as usize..self.name_len as usize]
    }

    fn has_attributes(&self) -> bool {
        !is_blank(&self.start[self.name_len as usize..])
    }

    /// The attributes in document order; an item is an error from the first malformed one on.
    fn attributes(&self) -> ViewAttributes<'_> {
        ViewAttributes::new(self.start, self.name_len as usize)
    }
}

/// Every element of one document, in document order.
struct Arena<'a> {
    nodes: Vec<Node<'a>>,
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

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

impl<'a> Arena<'a> {
    fn parse(xml: &'a str) -> Result<Self, ViewError> {
        let mut tokens = Tokens::new(xml);
        let mut arena = Arena {
            nodes: Vec::with_capacity(xml.len() / 40),
        };
        // Open elements, each with the index of its last child so far.
        let mut stack: Vec<(u32, u32)> = Vec::with_capacity(16);
        loop {
            let token = tokens
                .next_token()
                .map_err(|e| ViewError(format!("{} at byte {}", e.message, e.position)))?;
            match token {
                Some(Token::Start(tag, name_len)) => {
                    let idx = arena.open(tag, name_len, &mut stack);
                    stack.push((idx, NONE));
                }
                Some(Token::Empty(tag, name_len)) => {
                    arena.open(tag, name_len, &mut stack);
                    if stack.is_empty() {
                        break;
                    }
                }
                Some(Token::End) => {
                    let Some((idx, _)) = stack.pop() else {
                        return Err(ViewError("unexpected end tag".into()));
                    };
                    // Whitespace between child elements is not text (a leaf keeps it).
                    let node = &mut arena.nodes[idx as usize];
                    if node.first_child != NONE && node.text.as_deref().is_some_and(is_blank) {
                        node.text = None;
                    }
                    // Like quick-xml's reader, what follows the root element is not read.
                    if stack.is_empty() {
                        break;
                    }
                }
                Some(Token::Text(piece)) => {
                    if let Some(&(idx, last)) = stack.last() {
                        let node = &mut arena.nodes[idx as usize];
                        // More indentation after a child element, when all text so far is
                        // indentation too: nothing a view can read changes, so nothing is copied.
                        let indentation = last != NONE
                            && is_blank(&piece)
                            && node.text.as_deref().is_none_or(is_blank);
                        if !indentation {
                            append(&mut node.text, piece);
                        }
                    }
                }
                Some(Token::CData(c)) => {
                    if let Some(&(idx, _)) = stack.last() {
                        append(&mut arena.nodes[idx as usize].text, c);
                    }
                }
                Some(Token::Ref(name)) => {
                    let Some(&(idx, _)) = stack.last() else {
                        return Err(ViewError("entity outside the root element".into()));
                    };
                    let resolved: Cow<'a, str> = match name {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => match BytesRef::new(other).resolve_char_ref() {
                            Ok(Some(c)) => c.to_string().into(),
                            // An error only if a view reads this text (as with quick-xml).
                            Ok(None) | Err(_) => {
                                let node = &mut arena.nodes[idx as usize];
                                node.bad_text.get_or_insert_with(|| {
                                    format!("unknown entity &{other};").into()
                                });
                                continue;
                            }
                        },
                    };
                    append(&mut arena.nodes[idx as usize].text, resolved);
                }
                Some(Token::Skipped) => {}
                None => break,
            }
        }
        if let Some(&(idx, _)) = stack.last() {
            let name = arena.nodes[idx as usize].name();
            return Err(ViewError(format!("unclosed element <{name}>")));
        }
        Ok(arena)
    }

    /// Adds an element under the innermost open one; returns its index.
    fn open(&mut self, tag: &'a str, name_len: usize, stack: &mut [(u32, u32)]) -> u32 {
        let idx = self.nodes.len() as u32;
        // As quick-xml's `local_name`: what follows the first `:`.
        let prefix = tag.as_bytes()[..name_len].iter().position(|&b| b == b':');
        let local_start = prefix.map_or(0, |i| i + 1);
        self.nodes.push(Node {
            start: tag,
            name_len: name_len as u32,
            local_start: local_start as u32,
            text: None,
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
        idx
    }
}

fn append<'a>(text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    match text {
        None => *text = Some(piece),
        Some(t) => t.to_mut().push_str(&piece),
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
    fn text_de(self) -> Result<TextDe<'t>, ViewError> {
        let node = &self.arena.nodes[self.first as usize];
        match (&node.bad_text, &node.text) {
            (Some(bad), _) => Err(ViewError(format!("<{}>: {bad}", node.name()))),
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
        if node.first_child == NONE && !node.has_attributes() {
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
            next: self.first,
            name: self.arena.nodes[self.first as usize].field_name(),
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
            attrs: Some(node.attributes()),
            text_done: false,
            child: node.first_child,
            key: Key::default(),
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

/// Every element of one name, for a `Vec` field: the first, then (unless `single`) each later
/// sibling of its name.
struct SeqDe<'t, 'a> {
    next: u32,
    name: &'t str,
    el: ElementDe<'t, 'a>,
}

impl<'de, 't, 'a> de::SeqAccess<'de> for SeqDe<'t, 'a> {
    type Error = ViewError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ViewError> {
        let nodes = &self.el.arena.nodes;
        while self.next != NONE {
            let idx = self.next;
            let node = &nodes[idx as usize];
            self.next = if self.el.single {
                NONE
            } else {
                node.next_sibling
            };
            if node.field_name() == self.name {
                // One element: its siblings of the same name are not part of it.
                return seed
                    .deserialize(ElementDe {
                        first: idx,
                        single: true,
                        ..self.el
                    })
                    .map(Some);
            }
        }
        Ok(None)
    }
}

/// The part of an attribute's name its field is named after (as quick-xml maps them): the whole
/// name for namespace declarations (`xmlns`, `xmlns:x`) and `xml:` attributes, else the local
/// name.
fn attribute_field(name: &str) -> &str {
    // Without a prefix the name is the field, `xmlns` included.
    if !name.as_bytes().contains(&b':') {
        return name;
    }
    let qname = QName(name);
    let (local, prefix) = qname.decompose();
    if qname.as_namespace_binding().is_some() || prefix.is_some_and(|p| p.is_xml()) {
        name
    } else {
        local.into_inner()
    }
}

/// An attribute's field name, `@` and [`attribute_field`], built without allocating for names
/// of ordinary length.
#[derive(Default)]
struct Key {
    buf: [u8; 32],
    long: String,
}

impl Key {
    fn set(&mut self, name: &str) -> &str {
        if name.len() < self.buf.len() {
            self.buf[0] = b'@';
            self.buf[1..=name.len()].copy_from_slice(name.as_bytes());
            std::str::from_utf8(&self.buf[..=name.len()]).expect("'@' and a str are UTF-8")
        } else {
            self.long.clear();
            self.long.push('@');
            self.long.push_str(name);
            &self.long
        }
    }
}

/// The fields of one element: attributes (`@name`), its text (`$text`), then each child name
/// once.
struct MapDe<'t, 'a> {
    arena: &'t Arena<'a>,
    node: u32,
    /// Attributes not yet visited; `None` once they are all read.
    attrs: Option<ViewAttributes<'t>>,
    text_done: bool,
    child: u32,
    key: Key,
    value: Option<Value<'t, 'a>>,
}

enum Value<'t, 'a> {
    Text(Cow<'t, str>),
    Element(ElementDe<'t, 'a>),
}

impl<'t> MapDe<'t, '_> {
    /// Whether an earlier child of this element has the same name as the child at `idx`.
    fn named_before(&self, idx: u32, name: &str) -> bool {
        let nodes = &self.arena.nodes;
        let mut cur = nodes[self.node as usize].first_child;
        while cur != idx {
            let node = &nodes[cur as usize];
            if node.field_name() == name {
                return true;
            }
            cur = node.next_sibling;
        }
        false
    }
}

impl<'de, 't, 'a> de::MapAccess<'de> for MapDe<'t, 'a> {
    type Error = ViewError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ViewError> {
        let node = &self.arena.nodes[self.node as usize];
        if let Some(attrs) = &mut self.attrs {
            match attrs.next() {
                Some(Ok((name, value))) => {
                    self.value = Some(Value::Text(value));
                    let key = self.key.set(attribute_field(name));
                    return seed.deserialize(StrDeserializer::new(key)).map(Some);
                }
                Some(Err(e)) => return Err(ViewError(format!("<{}>: {e}", node.name()))),
                None => self.attrs = None,
            }
        }
        if !self.text_done {
            self.text_done = true;
            if let Some(t) = &node.text {
                if let Some(bad) = &node.bad_text {
                    return Err(ViewError(format!("<{}>: {bad}", node.name())));
                }
                self.value = Some(Value::Text(Cow::Borrowed(t.as_ref())));
                return seed.deserialize(StrDeserializer::new("$text")).map(Some);
            }
        }
        while self.child != NONE {
            let idx = self.child;
            let child = &self.arena.nodes[idx as usize];
            self.child = child.next_sibling;
            let name: &'t str = child.field_name();
            if self.named_before(idx, name) {
                continue;
            }
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
