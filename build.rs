//! Locates the compact IPADIC that the native binary embeds. Nothing is downloaded here:
//! `scripts/setup-dict.sh` builds the dictionary from Debian's mecab-ipadic package.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=PATROL_DICT_FILE");
    if std::env::var_os("CARGO_FEATURE_EMBEDDED_DICTIONARY").is_none() {
        return;
    }
    let path = match std::env::var_os("PATROL_DICT_FILE") {
        Some(p) => PathBuf::from(p),
        None => {
            let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
            root.join("build").join("dict").join("ipadic.pdic")
        }
    };
    println!("cargo:rerun-if-changed={}", path.display());
    if !path.is_file() {
        panic!(
            "\n\nThe IPADIC dictionary has not been built: {} is missing.\n\
             Run `scripts/setup-dict.sh` first: it fetches Debian's mecab-ipadic package with \
             `apt-get download mecab-ipadic` and compiles it offline with lindera's builder.\n\
             (Or build without the dictionary: `cargo build --no-default-features`.)\n",
            path.display()
        );
    }
    println!("cargo:rustc-env=PATROL_DICT_FILE={}", path.display());
}
