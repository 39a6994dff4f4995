//! openspec-syntax: text -> tree-sitter-md tree -> typed OpenSpec artifact views with byte
//! ranges. Parsing never fails (a broken file is data) and this crate never does IO.

pub mod fence;
pub mod js;
pub mod lines;
pub mod text;

pub use text::{ColumnUnit, LineCol, LineIndex, TextRange};
