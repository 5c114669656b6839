//! patrol's analyzer core: reads one post (and its author's profile) and says which of the nine
//! categories of `../shared/contract.md` it falls under, why, and how urgent it is.
//!
//! Pure Rust, no I/O: the native command (`src/main.rs`) and the WebAssembly bindings
//! (`crates/patrol-wasm`) are thin layers over [`Analyzer`].

pub mod analyze;
pub mod baseline;
pub mod board_header;
pub mod category;
pub mod cli;
pub mod dictionary;
pub mod eval;
pub mod explain;
pub mod forms;
pub mod grammar;
pub mod matcher;
pub mod morph;
pub mod normalize;
pub mod reach;
pub mod reader;
pub mod region;
pub mod romaji;
pub mod rules;

pub use analyze::{Analysis, AnalyzeError, Analyzer, Config, Post, SetupError};
pub use category::Category;
pub use region::Region;
