//! A lossless XML element tree: everything libvirt wrote (unknown elements, attribute order,
//! comments, text) survives a read–write round trip. Typed views read from it; edits of
//! existing documents go through it so that nothing Virtumancer does not model is lost.

use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer, XmlVersion};

/// One child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data, unescaped.
    Text(String),
    /// `<![CDATA[…]]>` content.
    CData(String),
    /// `<!-- … -->` content.
    Comment(String),
}

/// An XML element with its attributes (in document order) and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Qualified name, e.g. `domain` or `test:runstate`.
    pub name: String,
    /// Attributes in document order, values unescaped.
    pub attributes: Vec<(String, String)>,
    /// Children in document order.
    pub children: Vec<Node>,
}

/// The text is not well-formed XML (or not one root element).
#[derive(Debug, thiserror::Error)]
#[error("malformed XML at byte {position}: {message}")]
pub struct TreeError {
    /// Byte offset where reading stopped.
    pub position: u64,
    /// What was wrong.
    pub message: String,
}

impl Element {
    /// An element without attributes or children.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Parses a document with exactly one root element (declarations, comments and whitespace
    /// around it are dropped).
    pub fn parse(xml: &str) -> Result<Self, TreeError> {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        let err = |r: &Reader<&[u8]>, m: String| TreeError {
            position: r.buffer_position(),
            message: m,
        };
        loop {
            let ev = reader
                .read_event()
                .map_err(|e| err(&reader, e.to_string()))?;
            match ev {
                Event::Start(s) => stack.push(Self::start(&s).map_err(|m| err(&reader, m))?),
                Event::Empty(s) => {
                    let el = Self::start(&s).map_err(|m| err(&reader, m))?;
                    Self::attach(&mut stack, &mut root, el).map_err(|m| err(&reader, m))?;
                }
                Event::End(_) => {
                    let el = stack
                        .pop()
                        .ok_or_else(|| err(&reader, "unexpected end tag".into()))?;
                    Self::attach(&mut stack, &mut root, el).map_err(|m| err(&reader, m))?;
                }
                Event::Text(t) => {
                    let text = t.xml10_content().into_owned();
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(Node::Text(text));
                    } else if !text.trim().is_empty() {
                        return Err(err(&reader, "text outside the root element".into()));
                    }
                }
                Event::GeneralRef(r) => {
                    let name = (*r).to_owned();
                    let resolved = match name.as_str() {
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "amp" => "&".to_owned(),
                        "apos" => "'".to_owned(),
                        "quot" => "\"".to_owned(),
                        _ => match r
                            .resolve_char_ref()
                            .map_err(|e| err(&reader, e.to_string()))?
                        {
                            Some(c) => c.to_string(),
                            None => return Err(err(&reader, format!("unknown entity &{name};"))),
                        },
                    };
                    match stack.last_mut() {
                        Some(parent) => match parent.children.last_mut() {
                            Some(Node::Text(t)) => t.push_str(&resolved),
                            _ => parent.children.push(Node::Text(resolved)),
                        },
                        None => return Err(err(&reader, "entity outside the root element".into())),
                    }
                }
                Event::CData(c) => {
                    if let Some(parent) = stack.last_mut() {
                        parent
                            .children
                            .push(Node::CData(c.into_inner().into_owned()));
                    }
                }
                Event::Comment(c) => {
                    if let Some(parent) = stack.last_mut() {
                        parent
                            .children
                            .push(Node::Comment(c.into_inner().into_owned()));
                    }
                }
                Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if !stack.is_empty() {
            return Err(err(
                &reader,
                format!("unclosed element <{}>", stack[stack.len() - 1].name),
            ));
        }
        root.ok_or_else(|| err(&reader, "no root element".into()))
    }

    fn start(s: &BytesStart<'_>) -> Result<Self, String> {
        let name = s.name().as_ref().to_owned();
        // quick-xml accepts `<\r/>`; an element must have a name (found by cargo-fuzz).
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(format!("invalid element name {name:?}"));
        }
        let mut attributes = Vec::new();
        for a in s.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key = a.key.as_ref().to_owned();
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(Self {
            name,
            attributes,
            children: Vec::new(),
        })
    }

    fn attach(
        stack: &mut [Element],
        root: &mut Option<Element>,
        el: Element,
    ) -> Result<(), String> {
        match stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(el)),
            None if root.is_none() => *root = Some(el),
            None => return Err("more than one root element".into()),
        }
        Ok(())
    }

    /// Writes the element as XML text (UTF-8, no declaration). Whitespace text nodes are kept,
    /// so a parsed document keeps its layout.
    pub fn to_xml(&self) -> String {
        let mut w = Writer::new(Vec::new());
        self.write(&mut w).expect("writing to a Vec cannot fail");
        String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8")
    }

    /// Writes with an XML declaration, as a standalone document.
    pub fn to_document(&self) -> String {
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect("Vec write");
        self.write(&mut w).expect("Vec write");
        String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8")
    }

    fn write(&self, w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        let mut start = BytesStart::new(self.name.as_str());
        for (k, v) in &self.attributes {
            start.push_attribute((k.as_str(), v.as_str()));
        }
        if self.children.is_empty() {
            return w.write_event(Event::Empty(start));
        }
        w.write_event(Event::Start(start))?;
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(w)?,
                Node::Text(t) => w.write_event(Event::Text(BytesText::new(t)))?,
                Node::CData(c) => w.write_event(Event::CData(BytesCData::new(c.as_str())))?,
                Node::Comment(c) => {
                    w.write_event(Event::Comment(BytesText::from_escaped(c.as_str())))?
                }
            }
        }
        w.write_event(Event::End(BytesEnd::new(self.name.as_str())))
    }

    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or, with `None`, removes) attribute `key`, keeping its position when present.
    pub fn set_attr(&mut self, key: &str, value: Option<&str>) {
        let pos = self.attributes.iter().position(|(k, _)| k == key);
        match (pos, value) {
            (Some(i), Some(v)) => self.attributes[i].1 = v.to_owned(),
            (Some(i), None) => {
                self.attributes.remove(i);
            }
            (None, Some(v)) => self.attributes.push((key.to_owned(), v.to_owned())),
            (None, None) => {}
        }
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Mutable child elements, in order.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first child element named `name`, mutably.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// The first child named `name`, created (appended) if missing.
    pub fn child_or_insert(&mut self, name: &str) -> &mut Element {
        if self.child(name).is_none() {
            self.children.push(Node::Element(Element::new(name)));
        }
        self.child_mut(name).expect("just inserted")
    }

    /// Removes every child element named `name`; returns how many were removed.
    pub fn remove_children(&mut self, name: &str) -> usize {
        let before = self.children.len();
        self.children
            .retain(|n| !matches!(n, Node::Element(e) if e.name == name));
        before - self.children.len()
    }

    /// Concatenated text content of this element (not of descendants).
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) | Node::CData(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Structural equality ignoring whitespace-only text and comments: what libvirt itself
    /// would consider the same document.
    pub fn same_content(&self, other: &Element) -> bool {
        fn significant(e: &Element) -> Vec<&Node> {
            e.children
                .iter()
                .filter(|n| match n {
                    Node::Text(t) => !t.trim().is_empty(),
                    Node::Comment(_) => false,
                    _ => true,
                })
                .collect()
        }
        if self.name != other.name {
            return false;
        }
        let mut a = self.attributes.clone();
        let mut b = other.attributes.clone();
        a.sort();
        b.sort();
        if a != b {
            return false;
        }
        let (ca, cb) = (significant(self), significant(other));
        ca.len() == cb.len()
            && ca.iter().zip(cb.iter()).all(|(x, y)| match (x, y) {
                (Node::Element(x), Node::Element(y)) => x.same_content(y),
                (Node::Text(x), Node::Text(y)) => x.trim() == y.trim(),
                (x, y) => x == y,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "<?xml version='1.0'?>\n<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <name>a &amp; &lt;b&gt; &#233;</name>\n  <!-- keep -->\n  <future-thing x='1'><nested y=\"&quot;q&quot;\"/></future-thing>\n  <description><![CDATA[raw <text>]]></description>\n  <qemu:commandline><qemu:arg value='-x'/></qemu:commandline>\n</domain>";

    #[test]
    fn round_trips_unknown_elements_entities_comments_and_cdata() {
        let tree = Element::parse(DOC).unwrap();
        assert_eq!(tree.child("name").unwrap().text(), "a & <b> é");
        assert_eq!(
            tree.child("future-thing")
                .unwrap()
                .child("nested")
                .unwrap()
                .attr("y"),
            Some("\"q\"")
        );
        let again = Element::parse(&tree.to_xml()).unwrap();
        assert_eq!(again, tree, "write → read must give the identical tree");
        assert!(
            tree.to_xml()
                .contains("<qemu:commandline><qemu:arg value=\"-x\"/></qemu:commandline>")
        );
    }

    #[test]
    fn edits_keep_everything_else() {
        let mut tree = Element::parse(DOC).unwrap();
        tree.set_attr("type", Some("qemu"));
        tree.child_or_insert("title")
            .children
            .push(Node::Text("t".into()));
        assert_eq!(
            tree.attributes[0],
            ("type".into(), "qemu".into()),
            "attribute keeps its position"
        );
        let back = Element::parse(&tree.to_xml()).unwrap();
        assert!(back.child("future-thing").is_some());
        assert_eq!(back.child("title").unwrap().text(), "t");
        assert_eq!(tree.remove_children("title"), 1);
        assert!(tree.same_content(&Element::parse(&DOC.replace("'kvm'", "'qemu'")).unwrap()));
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            "",
            "text",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<a>&bogus;</a>",
            "<a x='1' x='2'/>",
        ] {
            assert!(Element::parse(bad).is_err(), "{bad:?}");
        }
    }
}
