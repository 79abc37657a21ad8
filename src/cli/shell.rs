//! Quoting of the words written into generated shell and Slurm batch scripts.
//!
//! [`quote`] gives one POSIX sh word that expands to exactly its input:
//! a word of only "safe" bytes (`A-Za-z0-9` and `_ - . / : , + = @ %`) is
//! written bare, anything else inside single quotes, where every byte is
//! literal except `'` itself, written as `'\''` (close, escaped quote,
//! reopen). Spaces, `$`, backquotes, `"`, `\`, globs, newlines and UTF-8
//! are therefore all literal. [`directive`] quotes the value of an
//! `#SBATCH` line, which sbatch (not the shell) reads: a double-quoted
//! string in which `"` is escaped with a backslash; `%` is doubled in
//! file-name patterns, where Slurm reads `%a`, `%j`, … as replacements.

use std::path::Path;

/// Why a word cannot be written into a generated script.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// A path is not valid UTF-8.
    #[error("{what} {shown}: not valid UTF-8; a job script needs a UTF-8 path")]
    NotUtf8 {
        /// What the word is (the option it came from).
        what: String,
        /// The word, lossily shown.
        shown: String,
    },
    #[error(
        "{what} `{text}`: holds a {found}, which an #SBATCH line cannot carry; \
         use a path without it"
    )]
    /// A word holds a character an `#SBATCH` line cannot carry.
    Directive {
        /// What the word is.
        what: String,
        /// The word.
        text: String,
        /// The character found.
        found: &'static str,
    },
}

fn safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-./:,+=@%".contains(&b)
}

/// One sh word expanding to exactly `s` (see the module doc).
pub fn quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(safe) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `p` as UTF-8 text, or an error naming `what` (e.g. "--out").
pub fn utf8<'a>(what: &str, p: &'a Path) -> Result<&'a str, ShellError> {
    p.to_str().ok_or_else(|| ShellError::NotUtf8 {
        what: what.to_string(),
        shown: p.display().to_string(),
    })
}

/// [`quote`] of a path, refused when it is not UTF-8.
pub fn quote_path(what: &str, p: &Path) -> Result<String, ShellError> {
    Ok(quote(utf8(what, p)?))
}

/// The double-quoted value of an `#SBATCH --option=VALUE` line. sbatch
/// splits such a line on blanks outside double quotes and takes `\"` as a
/// quote; a control character (a newline would end the line) or a backslash
/// (which turns off Slurm's `%` replacements in file names) is refused.
/// With `pattern`, `%` is written `%%` so that it stays literal.
pub fn directive(what: &str, text: &str, pattern: bool) -> Result<String, ShellError> {
    let bad = |found| ShellError::Directive {
        what: what.to_string(),
        text: text.escape_debug().to_string(),
        found,
    };
    if text.chars().any(char::is_control) {
        return Err(bad("control character (such as a newline)"));
    }
    if text.contains('\\') {
        return Err(bad("backslash"));
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '%' if pattern => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// What `sh` (dash where /bin/sh is dash) and bash make of `word`:
    /// `printf %s WORD` run by the shell itself is the reference.
    fn expand(shell: &str, word: &str) -> Vec<u8> {
        let out = Command::new(shell)
            .arg("-c")
            .arg(format!("printf %s {word}"))
            .env_clear()
            .output()
            .expect("run the shell");
        assert!(out.status.success(), "{shell} -c on {word}");
        out.stdout
    }

    fn cases() -> Vec<String> {
        let mut v: Vec<String> = [
            "plain",
            "",
            "with space",
            "it's",
            "''",
            "'",
            "$HOME",
            "${x:-'y'}",
            "`id`",
            "$(id)",
            "a\"b",
            "back\\slash",
            "*.toml",
            "~user",
            "tab\there",
            "new\nline",
            "ünïcødé 名前",
            "-n",
            "a;b&c|d>e<f",
            "!bang#hash",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Random strings over an alphabet rich in shell metacharacters.
        let alphabet: Vec<char> = " '\"$`\\*?[]{}()<>|&;#~!\n\t=%:aZ9é€".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 12) {
                let i = (state.rotate_left(k as u32 * 5) % alphabet.len() as u64) as usize;
                s.push(alphabet[i]);
            }
            v.push(s);
        }
        v
    }

    #[test]
    fn quote_round_trips_through_sh_and_bash() {
        for shell in ["sh", "bash"] {
            for s in cases() {
                assert_eq!(expand(shell, &quote(&s)), s.as_bytes(), "{shell}: {s:?}");
            }
        }
    }

    #[test]
    fn quote_is_one_word() {
        // `set --` then `$#` counts the words the shell sees.
        for s in cases() {
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("set -- {}; printf %s $#", quote(&s)))
                .output()
                .unwrap();
            assert_eq!(out.stdout, b"1", "{s:?}");
        }
    }

    #[test]
    fn safe_words_stay_bare() {
        assert_eq!(quote("/a/b-c_d.toml"), "/a/b-c_d.toml");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn directives_escape_quotes_and_percent() {
        assert_eq!(
            directive("--out", "/x y/it's \"q\"/%a", true).unwrap(),
            r#""/x y/it's \"q\"/%%a""#
        );
        assert_eq!(directive("name", "50%", false).unwrap(), "\"50%\"");
        let e = directive("--out", "a\nb", true).unwrap_err().to_string();
        assert!(e.contains("--out") && e.contains("control"), "{e}");
        let e = directive("--out", "a\\b", true).unwrap_err().to_string();
        assert!(e.contains("backslash"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_are_refused() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/\xff"));
        let e = quote_path("--out", p).unwrap_err().to_string();
        assert!(e.contains("--out") && e.contains("UTF-8"), "{e}");
    }
}
