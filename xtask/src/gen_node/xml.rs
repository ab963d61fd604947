//! Tree helpers: builder-style [`ElementExt`], text elements, embedding serialized typed
//! documents, and pretty-printing indentation.

use super::GenError;
use virtumancer_libvirt_xml::{Element, Node};

pub(super) trait ElementExt {
    fn with_attr(self, key: &str, value: &str) -> Self;
    fn with(self, child: Element) -> Self;
}

impl ElementExt for Element {
    fn with_attr(mut self, key: &str, value: &str) -> Self {
        self.set_attr(key, Some(value));
        self
    }

    fn with(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }
}

pub(super) fn text_el(name: &str, text: impl Into<String>) -> Element {
    let mut e = Element::new(name);
    e.children.push(Node::Text(text.into()));
    e
}

/// A serialized typed document as a tree, ready to be attached to the node.
pub(super) fn embed<E: std::fmt::Display>(
    what: &'static str,
    xml: Result<String, E>,
) -> Result<Element, GenError> {
    let xml = xml.map_err(|e| GenError::Serialize {
        what,
        message: e.to_string(),
    })?;
    Element::parse(&xml).map_err(|source| GenError::Tree { what, source })
}

/// Indents elements whose children are all elements (text-bearing ones are left alone).
pub(super) fn indent(el: &mut Element, depth: usize) {
    // libvirt re-indents `<metadata>` content itself; whitespace there would show up twice.
    if el.name == "metadata"
        || el.children.is_empty()
        || !el.children.iter().all(|c| matches!(c, Node::Element(_)))
    {
        return;
    }
    let pad = |d: usize| {
        let mut s = String::with_capacity(1 + 2 * d);
        s.push('\n');
        s.extend(std::iter::repeat_n(' ', 2 * d));
        s
    };
    let inner = pad(depth + 1);
    let old = std::mem::take(&mut el.children);
    el.children.reserve(old.len() * 2 + 1);
    for child in old {
        el.children.push(Node::Text(inner.clone()));
        if let Node::Element(mut e) = child {
            indent(&mut e, depth + 1);
            el.children.push(Node::Element(e));
        }
    }
    el.children.push(Node::Text(pad(depth)));
}
