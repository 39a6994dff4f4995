//! A project config `context` over the CLI's 50 KB limit.

// Diagnostic: config/context-too-large
//
// The `context` text is injected into every artifact instruction, so the CLI caps it at 50 KiB
// (51200 UTF-8 bytes; exactly 51200 is fine) and drops a larger one entirely, with two stderr
// lines. The finding sits on the value and repeats both lines.

use crate::diagnostic::Diagnostic;

use super::ConfigFile;

const CODE: &str = "config/context-too-large";

const MAX_CONTEXT_BYTES: usize = 50 * 1024;

/// JS `(bytes / 1024).toFixed(1)`: rounded half up on the exact quotient.
fn kilobytes_one_decimal(bytes: usize) -> String {
    let tenths = (bytes * 10 * 2 + 1024) / 2048;
    format!("{}.{}", tenths / 10, tenths % 10)
}

pub(super) fn check(config: &ConfigFile<'_>, acc: &mut Vec<Diagnostic>) {
    let Some(context) = config.field("context").map(|entry| &entry.value) else {
        return;
    };
    let Some(text) = context.as_str() else { return };
    if text.len() <= MAX_CONTEXT_BYTES {
        return;
    }
    acc.push(config.warning(
        CODE,
        context.range,
        format!("Context too large ({}KB, limit: 50KB)\nIgnoring context field", kilobytes_one_decimal(text.len())),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn limit_is_in_utf8_bytes() {
        // 17067 three-byte characters are 51201 bytes: one over.
        let over = format!("//- /openspec/config.yaml\ncontext: {}\n", "語".repeat(17_067));
        let rendered = check(&over);
        assert!(rendered.contains("Context too large (50.0KB, limit: 50KB)"), "{rendered}");
        let exact = format!("//- /openspec/config.yaml\ncontext: {}\n", "a".repeat(51_200));
        expect![[r#""#]].assert_eq(&check(&exact));
        assert_eq!(super::kilobytes_one_decimal(52_480), "51.3");
    }
}
