//! Challenges carry their parts apart: `question`, `code`, `language` and how the marked answer
//! was established (`verification`). Rows stored before this get them from their title: bank
//! rows by their key (as the bank stood then), LLM rows `unchecked`, with the language named in
//! the question or topic when there is one.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{DatabaseBackend, Statement},
};

use crate::m20261127_000003_create_challenges::Challenges;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Parts {
    Question,
    Code,
    Language,
    Verification,
}

/// LLM rows are updated this many ids per statement.
const BATCH: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Parts::Question)
                .text()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Parts::Code).text().null().to_owned(),
            ColumnDef::new(Parts::Language).string().null().to_owned(),
            ColumnDef::new(Parts::Verification)
                .string()
                .not_null()
                .default("unchecked")
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Challenges::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(&split_titles(manager.get_database_backend()))
            .await?;
        db.execute_unprepared(&bank_rows()).await?;
        llm_languages(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Parts::Question,
            Parts::Code,
            Parts::Language,
            Parts::Verification,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Challenges::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// `question` is the title up to its first blank line, `code` what follows it.
fn split_titles(backend: DatabaseBackend) -> String {
    let at = match backend {
        DatabaseBackend::Postgres => "strpos(title, chr(10) || chr(10))",
        _ => "instr(title, char(10) || char(10))",
    };
    format!(
        "UPDATE challenges SET \
           question = CASE WHEN {at} > 0 THEN substr(title, 1, {at} - 1) ELSE title END, \
           code = CASE WHEN {at} > 0 THEN substr(title, {at} + 2) ELSE NULL END"
    )
}

/// Bank rows: the language and verification their key had in the bank.
fn bank_rows() -> String {
    let quoted = |keys: &[&str]| {
        keys.iter()
            .map(|key| format!("'{key}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let languages: String = BANK_LANGUAGES
        .iter()
        .map(|(language, keys)| format!(" WHEN bank_key IN ({}) THEN '{language}'", quoted(keys)))
        .collect();
    format!(
        "UPDATE challenges SET \
           language = CASE{languages} ELSE NULL END, \
           verification = CASE WHEN bank_key IN ({}) THEN 'reviewed' ELSE 'executed' END \
         WHERE bank_key IS NOT NULL",
        quoted(BANK_REVIEWED)
    )
}

/// LLM rows: the first language their question (or else their topic) names.
async fn llm_languages(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, question, topic FROM challenges WHERE bank_key IS NULL",
        ))
        .await?;
    let mut by_language: Vec<(&str, Vec<i64>)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        let question: String = row.try_get("", "question")?;
        let topic: Option<String> = row.try_get("", "topic")?;
        let Some(language) =
            named_language(&question).or_else(|| topic.as_deref().and_then(named_language))
        else {
            continue;
        };
        match by_language.iter_mut().find(|(l, _)| *l == language) {
            Some((_, ids)) => ids.push(id),
            None => by_language.push((language, vec![id])),
        }
    }
    for (language, ids) in by_language {
        for batch in ids.chunks(BATCH) {
            let ids: Vec<String> = batch.iter().map(i64::to_string).collect();
            db.execute_unprepared(&format!(
                "UPDATE challenges SET language = '{language}' WHERE id IN ({})",
                ids.join(", ")
            ))
            .await?;
        }
    }
    Ok(())
}

/// The first programming language `text` names. `Go` and `C` count only capitalised, as words.
fn named_language(text: &str) -> Option<&'static str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#' && c != '.')
        .map(|word| word.trim_end_matches('.'))
        .find_map(|word| {
            Some(match word {
                "Go" | "Golang" => "go",
                "C" => "c",
                _ => match word.to_lowercase().as_str() {
                    "python" | "python3" => "python",
                    "javascript" | "js" | "node" | "node.js" => "javascript",
                    "typescript" | "ts" => "typescript",
                    "rust" => "rust",
                    "golang" => "go",
                    "java" => "java",
                    "c++" | "cpp" => "cpp",
                    "ruby" => "ruby",
                    "php" => "php",
                    "sql" | "sqlite" | "postgresql" | "mysql" => "sql",
                    "bash" | "shell" => "bash",
                    _ => return None,
                },
            })
        })
}

/// The language of each bank question as of this migration (general questions have none).
const BANK_LANGUAGES: &[(&str, &[&str])] = &[
    (
        "python",
        &[
            "py-list-slice-step",
            "py-string-repeat",
            "py-dict-overwrite-len",
            "py-range-exclusive-end",
            "py-negative-string-index",
            "py-bool-is-int",
            "py-set-removes-duplicates",
            "py-string-immutable",
            "py-dict-get-default",
            "py-true-division-float",
            "py-star-unpacking",
            "py-all-any-empty",
            "py-mutable-default-argument",
            "py-late-binding-lambdas",
            "py-equality-vs-identity",
            "py-list-multiply-aliasing",
            "py-sorted-uppercase-first",
            "py-round-half-to-even",
            "py-generator-exhausted",
            "py-dict-comprehension-key-collision",
            "py-finally-runs-before-return",
            "py-split-explicit-separator",
            "py-floor-division",
            "py-class-attribute-shared-list",
            "py-gil-cpu-bound-threads",
            "py-chained-comparison",
            "general-regex-greedy",
            "general-utf8-length",
            "py-tuple-augmented-assignment",
            "py-equal-hash-dict-keys",
            "py-unbound-local-error",
            "py-mro-cooperative-super",
            "py-remove-while-iterating",
            "py-except-name-unbound",
            "py-generator-send-value",
            "py-class-scope-comprehension",
            "py-multiple-assignment-order",
            "general-float-non-associative",
        ],
    ),
    (
        "javascript",
        &[
            "js-strict-equality-types",
            "js-string-plus-number",
            "js-typeof-null",
            "js-array-push-length",
            "js-const-reassignment",
            "js-array-map-double",
            "js-template-literal-expression",
            "js-uninitialized-let",
            "js-includes-strict",
            "js-typeof-array",
            "js-truthy-values",
            "js-object-reference-equality",
            "js-var-hoisting",
            "js-let-temporal-dead-zone",
            "js-default-sort-lexicographic",
            "js-var-loop-closure-timeout",
            "js-nan-includes-vs-indexof",
            "js-microtask-before-timeout",
            "js-nullish-vs-logical-or",
            "js-spread-shallow-copy",
            "js-arrow-lexical-this",
            "js-for-in-string-keys",
            "js-await-yields-to-caller",
            "js-detached-method-strict-this",
            "js-empty-array-loose-equality",
            "js-math-max-no-arguments",
            "js-object-freeze-shallow",
            "js-nested-microtasks-before-timer",
            "js-number-precision-beyond-safe-integer",
            "js-sort-returns-same-array",
            "js-map-parseint",
            "js-promise-all-fail-fast",
            "js-object-integer-keys-order",
        ],
    ),
    (
        "typescript",
        &[
            "ts-let-inferred-type",
            "ts-optional-property",
            "ts-assign-wrong-type",
            "ts-enum-default-values",
            "ts-union-assignment",
            "ts-tuple-length",
            "ts-missing-argument",
            "ts-optional-chaining",
            "ts-strict-null-check",
            "ts-readonly-property",
            "ts-unknown-vs-any",
            "ts-readonly-array-push",
            "ts-typeof-narrowing",
            "ts-interfaces-erased",
            "ts-enum-reverse-mapping",
            "ts-const-assertion",
            "ts-assertion-no-conversion",
            "ts-keyof-union",
            "ts-structural-class-instanceof",
            "ts-private-modifier-runtime",
            "ts-generic-constraint",
            "ts-any-disables-checks",
            "ts-excess-property-check",
            "ts-distributive-conditional-type",
            "ts-array-covariance-unsound",
            "ts-never-exhaustiveness-check",
            "ts-method-bivariance",
            "ts-satisfies-keeps-literal",
            "ts-void-callback-return",
            "ts-object-literal-widening",
            "ts-index-signature-unchecked",
        ],
    ),
    (
        "rust",
        &[
            "rust-immutable-by-default",
            "rust-vec-len",
            "rust-integer-division",
            "rust-shadowing",
            "rust-string-literal-type",
            "rust-match-range-wildcard",
            "rust-tuple-index",
            "rust-copy-integer-assignment",
            "rust-if-else-types",
            "rust-option-unwrap-or",
            "rust-use-after-move",
            "rust-two-mutable-borrows",
            "rust-wrapping-vs-checked-add",
            "rust-iterator-filter-sum",
            "rust-str-len-bytes",
            "rust-question-mark-operator",
            "rust-missing-lifetime-specifier",
            "rust-get-vs-index",
            "rust-closure-mutable-capture",
            "rust-parse-whitespace",
            "rust-hashmap-entry",
            "rust-push-while-borrowed",
            "rust-drop-order-underscore",
            "rust-refcell-double-borrow-mut",
            "rust-rc-not-send",
            "rust-lazy-iterator-map",
            "rust-overflow-debug-vs-release",
            "rust-sort-floats",
            "rust-as-cast-truncation",
            "rust-str-slice-char-boundary",
            "rust-match-binding-pattern",
        ],
    ),
    (
        "go",
        &[
            "go-short-variable-declaration",
            "go-zero-value-int",
            "go-unused-variable",
            "go-slice-expression-len",
            "go-exported-identifiers",
            "go-multiple-return-values",
            "go-for-only-loop",
            "go-array-value-copy",
            "go-switch-no-fallthrough",
            "go-comma-ok-map-lookup",
            "go-struct-equality",
            "go-nil-map-write",
            "go-defer-lifo-order",
            "go-range-value-is-copy",
            "go-map-iteration-order",
            "go-unbuffered-send-deadlock",
            "go-range-string-runes",
            "go-nil-slice-append",
            "go-value-receiver-copy",
            "go-select-default",
            "go-iota",
            "go-loopvar-per-iteration",
            "go-nil-pointer-in-interface",
            "go-receive-from-closed-channel",
            "go-defer-modifies-named-result",
            "go-concurrent-map-writes",
            "go-slice-capacity",
            "go-recover-in-defer",
            "go-err-shadowing",
            "go-map-struct-field-assign",
            "go-embedding-no-override",
            "go-append-shares-backing-array",
        ],
    ),
    (
        "java",
        &[
            "java-string-equals",
            "java-int-division",
            "java-array-out-of-bounds",
            "java-concat-left-to-right",
            "java-int-array-default",
            "java-array-length-field",
            "java-final-local",
            "java-static-counter",
            "java-parse-int",
            "java-integer-cache-identity",
            "java-string-concat-discarded",
            "java-list-remove-by-index",
            "java-foreach-remove-cme",
            "java-char-plus-int",
            "java-finally-return-overrides",
            "java-char-char-string-concat",
            "java-increment-operators",
            "java-null-receiver-npe",
            "java-string-literal-interning",
            "java-list-of-immutable",
            "java-division-by-zero",
            "java-abs-min-value",
            "java-overload-static-type",
            "java-hashset-mutated-element",
            "java-volatile-increment-not-atomic",
            "java-ternary-numeric-promotion",
            "java-static-method-hiding",
            "java-aslist-primitive-array",
            "java-split-trailing-empty",
            "java-try-with-resources-order",
            "java-generics-erasure",
        ],
    ),
    (
        "c",
        &[
            "c-sizeof-char",
            "c-array-index-zero-based",
            "c-string-null-terminator",
            "c-compound-assignment",
            "c-printf-precision",
            "c-char-arithmetic",
            "c-for-loop-step",
            "c-pointer-dereference",
            "c-short-circuit",
            "c-pass-by-value",
            "c-sizeof-array-parameter",
            "c-sizeof-vs-strlen",
            "c-switch-fallthrough",
            "c-assignment-in-condition",
            "c-integer-division",
            "c-pointer-arithmetic",
            "c-array-equality-addresses",
            "c-static-local",
            "c-comma-operator",
            "c-octal-literal",
            "c-signed-unsigned-comparison",
            "c-signed-overflow-undefined",
            "c-struct-padding",
            "c-macro-missing-parentheses",
            "c-bitwise-and-precedence",
            "c-strncpy-no-terminator",
            "c-2d-array-sizeof",
            "c-char-signedness",
            "c-float-double-compare",
            "c-sizeof-unevaluated",
            "c-pointer-to-const",
            "c-unsigned-char-wraparound",
        ],
    ),
    (
        "sql",
        &[
            "sql-order-by-clause",
            "sql-is-null",
            "sql-inner-join-matches",
            "sql-count-where",
            "sql-order-desc-limit",
            "sql-primary-key-guarantee",
            "sql-select-distinct",
            "sql-like-single-char-wildcard",
            "sql-group-by-count",
            "sql-between-inclusive",
            "sql-cross-join-cardinality",
            "sql-update-without-where",
            "sql-limit-offset",
            "sql-count-star-vs-count-column",
            "sql-left-join-row-count",
            "sql-having-filters-groups",
            "sql-avg-ignores-null",
            "sql-union-vs-union-all",
            "sql-index-usable-predicate",
            "sql-read-committed-prevents-dirty-reads",
            "sql-and-or-precedence",
            "sql-correlated-subquery-count",
            "sql-case-first-match",
            "sql-rollback",
            "sql-not-in-with-null",
            "sql-not-equal-skips-null",
            "sql-left-join-where-on-right-table",
            "sql-rank-vs-dense-rank",
            "sql-composite-index-leftmost-prefix",
            "sql-window-default-frame",
            "sql-recursive-cte",
            "sql-write-skew-isolation",
            "sql-alias-in-where",
        ],
    ),
    (
        "bash",
        &[
            "bash-variable-assignment",
            "bash-exit-status-variable",
            "bash-pipe-sort-head",
            "bash-single-quotes-literal",
            "bash-default-value-expansion",
            "bash-string-length",
            "bash-brace-range",
            "bash-positional-parameters",
            "bash-and-or-lists",
            "bash-function-global-variable",
            "bash-case-patterns",
            "bash-unquoted-word-splitting",
            "bash-double-bracket-string-compare",
            "bash-redirection-order",
            "bash-arithmetic-integer-division",
            "bash-brace-delimited-name",
            "bash-command-substitution-newlines",
            "bash-array-length",
            "bash-subshell-parentheses",
            "bash-pattern-substitution",
            "bash-trap-exit",
            "bash-pipeline-subshell-variable",
            "bash-set-e-pipeline-status",
            "bash-local-masks-exit-status",
            "bash-unmatched-glob-literal",
            "bash-quoted-array-expansion",
            "bash-read-backslash",
            "bash-arithmetic-leading-zero",
            "bash-errexit-in-condition",
            "bash-exit-status-modulo",
        ],
    ),
];

/// Bank questions without a program as of this migration: checked by review, not by a run.
const BANK_REVIEWED: &[&str] = &[
    "ts-let-inferred-type",
    "ts-optional-property",
    "rust-string-literal-type",
    "go-short-variable-declaration",
    "go-unused-variable",
    "go-exported-identifiers",
    "java-string-equals",
    "c-sizeof-char",
    "c-string-null-terminator",
    "sql-order-by-clause",
    "sql-is-null",
    "sql-inner-join-matches",
    "sql-order-desc-limit",
    "sql-primary-key-guarantee",
    "bash-variable-assignment",
    "bash-exit-status-variable",
    "general-binary-search-complexity",
    "general-stack-lifo",
    "general-git-add-stage",
    "general-http-404",
    "general-binary-to-decimal",
    "go-for-only-loop",
    "general-nested-loop-complexity",
    "general-http-201-created",
    "general-sql-injection",
    "general-tcp-vs-udp",
    "ts-unknown-vs-any",
    "ts-typeof-narrowing",
    "ts-interfaces-erased",
    "rust-question-mark-operator",
    "go-map-iteration-order",
    "sql-having-filters-groups",
    "sql-union-vs-union-all",
    "sql-index-usable-predicate",
    "bash-redirection-order",
    "general-quicksort-sorted-input",
    "general-hash-table-complexity",
    "general-bfs-shortest-paths",
    "general-git-reset-soft",
    "general-post-not-idempotent",
    "py-gil-cpu-bound-threads",
    "sql-read-committed-prevents-dirty-reads",
    "general-lock-ordering-circular-wait",
    "general-twos-complement-range",
    "general-git-rebase-rewrites",
    "general-stable-sort",
    "general-naive-fibonacci",
    "ts-distributive-conditional-type",
    "go-concurrent-map-writes",
    "java-volatile-increment-not-atomic",
    "c-signed-overflow-undefined",
    "c-strncpy-no-terminator",
    "sql-composite-index-leftmost-prefix",
    "general-dijkstra-negative-edges",
    "general-union-find-complexity",
    "general-bloom-filter-errors",
    "sql-write-skew-isolation",
    "sql-alias-in-where",
    "general-amortized-append",
    "general-heapify-linear",
    "general-birthday-bound",
    "general-amdahls-law",
    "general-false-sharing",
    "general-consistent-hashing",
    "general-midpoint-overflow",
    "general-cap-partition",
];
