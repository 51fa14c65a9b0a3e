//! Positions of the nodes of a YAML text, from yaml-rust2's event parser
//! (one pass, an explicit stack): 1-based line and column of every value and
//! key, looked up by pointer, through aliases and `<<` merge keys.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// Positions of every node of a YAML document (1-based line and column).
#[derive(Clone, Debug)]
pub(crate) struct PosIndex {
    nodes: Vec<PosNode>,
    anchors: HashMap<usize, usize>,
}

#[derive(Clone, Debug)]
struct PosNode {
    pos: (usize, usize),
    kind: PosKind,
}

#[derive(Clone, Debug)]
enum PosKind {
    Scalar,
    Alias(usize),
    /// (key, key position, child node)
    Map(Vec<(String, (usize, usize), usize)>),
    Seq(Vec<usize>),
}

/// A node just completed: its index (none for a scalar that may be a
/// mapping key), the scalar's text, and its position.
type Finished = (Option<usize>, Option<String>, (usize, usize));

enum Frame {
    Map {
        node: usize,
        key: Option<(String, (usize, usize))>,
    },
    Seq {
        node: usize,
    },
}

fn marker_pos(m: &Marker) -> (usize, usize) {
    // yaml-rust2 lines are 1-based, columns 0-based.
    (m.line(), m.col() + 1)
}

impl PosIndex {
    pub(crate) fn build(text: &str) -> Option<PosIndex> {
        let mut parser = Parser::new_from_str(text);
        let mut index = PosIndex {
            nodes: Vec::new(),
            anchors: HashMap::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut done = false;
        loop {
            let (event, mark) = parser.next_token().ok()?;
            let pos = marker_pos(&mark);
            // A finished node: (node index, or the text of a scalar that may be a key)
            let finished: Option<Finished> = match event {
                Event::StreamEnd => break,
                Event::DocumentStart | Event::StreamStart | Event::Nothing => None,
                Event::DocumentEnd => {
                    // Only the first document matters (the parser refuses more).
                    if done {
                        break;
                    }
                    None
                }
                Event::Alias(id) => {
                    let n = index.push(pos, PosKind::Alias(id));
                    Some((Some(n), None, pos))
                }
                Event::Scalar(value, _, anchor, _) => {
                    if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                        Some((None, Some(value), pos))
                    } else {
                        let n = index.push(pos, PosKind::Scalar);
                        if anchor != 0 {
                            index.anchors.insert(anchor, n);
                        }
                        Some((Some(n), None, pos))
                    }
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let n = index.push(
                        pos,
                        if is_map {
                            PosKind::Map(Vec::new())
                        } else {
                            PosKind::Seq(Vec::new())
                        },
                    );
                    if anchor != 0 {
                        index.anchors.insert(anchor, n);
                    }
                    if stack.len() >= super::super::parse::MAX_DEPTH {
                        // The parser refuses this document anyway.
                        return None;
                    }
                    stack.push(if is_map {
                        Frame::Map { node: n, key: None }
                    } else {
                        Frame::Seq { node: n }
                    });
                    None
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    let frame = stack.pop()?;
                    let n = match frame {
                        Frame::Map { node, .. } | Frame::Seq { node } => node,
                    };
                    Some((Some(n), None, index.nodes[n].pos))
                }
            };
            let Some((node, scalar_key, pos)) = finished else {
                continue;
            };
            match stack.last_mut() {
                None => done = true,
                Some(Frame::Seq { node: parent }) => {
                    let parent = *parent;
                    if let (Some(n), PosKind::Seq(items)) = (node, &mut index.nodes[parent].kind) {
                        items.push(n);
                    }
                }
                Some(Frame::Map { node: parent, key }) => {
                    let parent = *parent;
                    match key.take() {
                        None => {
                            // This node is a key. A block mapping's start
                            // marker is unreliable; its first key is where it
                            // starts.
                            let first = matches!(&index.nodes[parent].kind, PosKind::Map(e) if e.is_empty());
                            if first {
                                let p = &mut index.nodes[parent].pos;
                                if pos < *p {
                                    *p = pos;
                                }
                            }
                            // Complex (non-scalar) keys cannot be named by a
                            // pointer; give them a name no segment equals.
                            *key = Some((scalar_key.unwrap_or_else(|| "\u{0}complex".into()), pos));
                        }
                        Some((k, kpos)) => {
                            if let (Some(n), PosKind::Map(entries)) =
                                (node, &mut index.nodes[parent].kind)
                            {
                                entries.push((k, kpos, n));
                            }
                        }
                    }
                }
            }
        }
        (!index.nodes.is_empty()).then_some(index)
    }

    fn push(&mut self, pos: (usize, usize), kind: PosKind) -> usize {
        self.nodes.push(PosNode { pos, kind });
        self.nodes.len() - 1
    }

    fn resolve_alias(&self, mut n: usize) -> Option<usize> {
        for _ in 0..64 {
            match self.nodes[n].kind {
                PosKind::Alias(id) => n = *self.anchors.get(&id)?,
                _ => return Some(n),
            }
        }
        None
    }

    /// Finds `key` in mapping node `n`, looking through `<<` merge keys.
    fn map_get(&self, n: usize, key: &str, depth: usize) -> Option<((usize, usize), usize)> {
        let PosKind::Map(entries) = &self.nodes[n].kind else {
            return None;
        };
        if let Some((_, kpos, child)) = entries.iter().rev().find(|(k, _, _)| k == key) {
            return Some((*kpos, *child));
        }
        if depth > 16 {
            return None;
        }
        let (_, _, merge) = entries.iter().find(|(k, _, _)| k == "<<")?;
        let merge = self.resolve_alias(*merge)?;
        let sources: Vec<usize> = match &self.nodes[merge].kind {
            PosKind::Seq(items) => items.clone(),
            _ => vec![merge],
        };
        sources
            .into_iter()
            .filter_map(|s| self.resolve_alias(s))
            .find_map(|s| self.map_get(s, key, depth + 1))
    }

    pub(crate) fn locate(&self, segments: &[String]) -> Option<(usize, usize)> {
        let mut n = self.resolve_alias(0)?;
        let mut pos = self.nodes[n].pos;
        for seg in segments {
            match &self.nodes[n].kind {
                PosKind::Map(_) => {
                    let (kpos, child) = self.map_get(n, seg, 0)?;
                    n = self.resolve_alias(child)?;
                    let vpos = self.nodes[child].pos;
                    pos = if vpos.0 > kpos.0 { kpos } else { vpos };
                }
                PosKind::Seq(items) => {
                    let child = *items.get(seg.parse::<usize>().ok()?)?;
                    pos = self.nodes[child].pos;
                    n = self.resolve_alias(child)?;
                }
                _ => return None,
            }
        }
        Some(pos)
    }
}
