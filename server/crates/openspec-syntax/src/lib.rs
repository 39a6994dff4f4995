//! openspec-syntax: text -> tree-sitter-md tree -> typed OpenSpec artifact views with byte
//! ranges. Parsing never fails (a broken file is data) and this crate never does IO.

pub mod fence;
mod headers;
pub mod js;
pub mod legacy;
pub mod lines;
pub mod markdown;
pub mod markdown_lazy;
pub mod proposal;
pub mod requirement_blocks;
pub mod requirement_text;
pub mod spec;
pub mod tasks;
pub mod text;
pub mod yaml;

pub use text::{ColumnUnit, LineCol, LineIndex, TextRange};
