//! The tokens of a document for the view reader (ADR 0008), split the way quick-xml's reader
//! splits them, without its cost per event.
//!
//! quick-xml's reader re-checks every event's bytes as UTF-8 although a `&str` already is, and
//! that alone was a fifth of reading a domain. Here the input stays a `&str` and is cut only at
//! ASCII markup bytes (`<`, `>`, `&`, `;`, quotes), so every piece is a `&str` without a check.
//! Text, references, start, empty and end tags follow quick-xml's rules byte for byte: text runs
//! to the next `<` or `&`, a reference to the next `;` (a `&` or `<` before it is an error), a
//! tag to the first `>` outside quotes, and an end tag must name the open element. Comments,
//! CDATA, DOCTYPE and processing instructions are rare, so they are handed to quick-xml itself.

use quick_xml::Reader;
use quick_xml::events::{BytesText, Event};
use std::borrow::Cow;

/// One token.
pub(crate) enum Token<'a> {
    /// `<name attrs>`: the tag between `<` and `>`, and the length of its name.
    Start(&'a str, usize),
    /// `<name attrs/>`: the tag between `<` and `/>`, and the length of its name.
    Empty(&'a str, usize),
    /// `</name>` of the innermost open element.
    End,
    /// Character data up to the next markup or reference, line ends normalized.
    Text(Cow<'a, str>),
    /// `&name;`: the name between `&` and `;`.
    Ref(&'a str),
    /// `<![CDATA[…]]>` content.
    CData(Cow<'a, str>),
    /// A comment, processing instruction, XML declaration or DOCTYPE.
    Skipped,
}

/// Why the document could not be tokenized, and where.
pub(crate) struct TokenError {
    pub position: usize,
    pub message: String,
}

/// The tokens of one document, in order; `None` at its end.
pub(crate) struct Tokens<'a> {
    xml: &'a str,
    pos: usize,
    /// Names of the open elements, innermost last.
    open: Vec<&'a str>,
}

/// XML whitespace.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The length of a tag's name: up to its first whitespace.
fn name_len(tag: &str) -> usize {
    tag.bytes().position(is_space).unwrap_or(tag.len())
}

/// The index of the first `>` outside quotes in `bytes`.
fn tag_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let i = at + memchr::memchr3(b'>', b'\'', b'"', &bytes[at..])?;
        match bytes[i] {
            b'>' => return Some(i),
            // A quoted value runs to the same quote: only that one byte is looked for.
            q => at = i + 2 + memchr::memchr(q, &bytes[i + 1..])?,
        }
    }
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(xml: &'a str) -> Self {
        Self {
            xml: xml.strip_prefix('\u{feff}').unwrap_or(xml),
            pos: 0,
            open: Vec::with_capacity(16),
        }
    }

    fn fail<T>(&self, position: usize, message: impl Into<String>) -> Result<T, TokenError> {
        Err(TokenError {
            position,
            message: message.into(),
        })
    }

    /// The next token, `Ok(None)` at the end of the input.
    pub(crate) fn next_token(&mut self) -> Result<Option<Token<'a>>, TokenError> {
        let (xml, at) = (self.xml, self.pos);
        let bytes = xml.as_bytes();
        let Some(&first) = bytes.get(at) else {
            return Ok(None);
        };
        match first {
            b'<' => self.markup(),
            b'&' => match memchr::memchr3(b';', b'&', b'<', &bytes[at + 1..]) {
                Some(i) if bytes[at + 1 + i] == b';' => {
                    self.pos = at + i + 2;
                    Ok(Some(Token::Ref(&xml[at + 1..at + 1 + i])))
                }
                _ => self.fail(at, "unclosed reference: `&` without `;`"),
            },
            _ => {
                // Text between tags is mostly short indentation: a plain loop beats a
                // vectorized search's setup, and notes the CR that line-end normalization
                // would change on the way.
                let (mut end, mut cr) = (xml.len(), false);
                for (i, &b) in bytes[at..].iter().enumerate() {
                    match b {
                        b'<' | b'&' => {
                            end = at + i;
                            break;
                        }
                        b'\r' => cr = true,
                        _ => {}
                    }
                }
                self.pos = end;
                let text = &xml[at..end];
                if !cr {
                    return Ok(Some(Token::Text(Cow::Borrowed(text))));
                }
                Ok(Some(Token::Text(Cow::Owned(
                    BytesText::from_escaped(text).xml10_content().into_owned(),
                ))))
            }
        }
    }

    /// The markup at `<`.
    fn markup(&mut self) -> Result<Option<Token<'a>>, TokenError> {
        let (xml, at) = (self.xml, self.pos);
        let bytes = xml.as_bytes();
        match bytes.get(at + 1) {
            None => self.fail(at, "unclosed tag: `<` at the end"),
            Some(b'!' | b'?') => self.delegated(),
            Some(b'/') => {
                let Some(len) = tag_end(&bytes[at..]) else {
                    return self.fail(at, "unclosed end tag");
                };
                self.pos = at + len + 1;
                let raw = &bytes[at + 2..at + len];
                let kept = raw.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1);
                let name = &xml[at + 2..at + 2 + kept];
                match self.open.pop() {
                    Some(open) if open == name => Ok(Some(Token::End)),
                    Some(open) => self.fail(
                        at,
                        format!("end tag </{name}> does not match the open <{open}>"),
                    ),
                    None => self.fail(at, format!("end tag </{name}> without a start tag")),
                }
            }
            Some(_) => {
                let Some(len) = tag_end(&bytes[at..]) else {
                    return self.fail(at, "unclosed tag");
                };
                self.pos = at + len + 1;
                let inner = &xml[at + 1..at + len];
                Ok(Some(match inner.strip_suffix('/') {
                    Some(tag) => Token::Empty(tag, name_len(tag)),
                    None => {
                        let n = name_len(inner);
                        self.open.push(&inner[..n]);
                        Token::Start(inner, n)
                    }
                }))
            }
        }
    }

    /// `<!…>` or `<?…?>`, read by quick-xml: these constructs need no context.
    fn delegated(&mut self) -> Result<Option<Token<'a>>, TokenError> {
        let at = self.pos;
        let rest = &self.xml[at..];
        let mut reader = Reader::from_str(rest);
        let event = reader.read_event();
        let used = usize::try_from(reader.buffer_position()).unwrap_or(rest.len());
        match event {
            Ok(Event::CData(c)) => {
                self.pos = at + used;
                Ok(Some(Token::CData(c.into_inner())))
            }
            Ok(Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_)) => {
                self.pos = at + used;
                Ok(Some(Token::Skipped))
            }
            Ok(other) => self.fail(at, format!("unexpected {other:?}")),
            Err(e) => {
                let position = at + usize::try_from(reader.error_position()).unwrap_or(0);
                self.fail(position, e.to_string())
            }
        }
    }
}
