//! The tools, one a file: each a function of the loaded workspace and its arguments, returning
//! a serde answer or an MCP error for arguments the agent must change.

pub mod check;
pub mod fixes;
pub mod preview;
pub mod readiness;
pub mod requirement;
pub mod search;
