//! `candor`: the command-line tool. A thin layer over the library: argument parsing, files,
//! output formats and exit codes.
//!
//! Exit codes: 0 success; 1 `lint` found errors, or `scan --fail-on` was reached; 2 bad usage,
//! an unreadable file or a broken pack.

use anyhow::{Context, Result};
use candor::persona::{Memory, MemoryEntry};
use candor::scan::ScanOptions;
use candor::score::Thresholds;
use candor::{lint, Compiler, Diagnostic, Level, Report, Scanner};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "candor", version, about = "Marks the published warning signs of North Korean IT-worker false identities on recruiter pages", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan saved pages (.html), message threads (.txt), ATS API exports (.json: Greenhouse
    /// Harvest, Lever, Ashby) or whole directories of them, and report the warning signs.
    Scan {
        /// Files or directories to scan (directories are read recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also write one CSV row per candidate to this file (bulk screening).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write a JSON summary (counts by level, rule and family; the high and critical
        /// candidates) to this file.
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// The URL the pages were saved from (picks the site adapter). Default: a
        /// `<!-- candor-url: … -->` comment, else the page's canonical link or og:url.
        #[arg(long)]
        url: Option<String>,
        /// Extra rule pack to load after the built-in one (repeatable).
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with status 1 when any candidate reaches this level.
        #[arg(long, value_enum, value_name = "LEVEL")]
        fail_on: Option<FailLevel>,
        /// When the pages were captured (`now`, or `2026-11-22T14:05:00Z`), so that a
        /// displayed local time can be compared with the claimed location. Without it, clocks
        /// on saved pages are ignored: they show the time of saving, not of scanning.
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        at: Option<i64>,
        /// Do not compare the scanned files with each other. By default a profile that reuses
        /// the contacts or text of a differently named profile scanned earlier in the same run
        /// is flagged, as the extension does across the pages a recruiter visits.
        #[arg(long)]
        no_memory: bool,
        /// Language of the rule texts and the verification prompt (`de`, `de-CH`), where the
        /// packs translate them; anything untranslated stays as the pack wrote it.
        #[arg(long, value_name = "TAG", value_parser = parse_lang)]
        lang: Option<String>,
        /// Score from which a candidate is `medium` (default 3; 1 to 59, below --high-at).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=candor::score::MAX_THRESHOLD as i64))]
        medium_at: Option<u32>,
        /// Score from which a candidate with medium-or-worse findings in two families is `high`
        /// (default 9; up to 60). Only the cut-offs move: one family alone never makes `high`.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=candor::score::MAX_THRESHOLD as i64))]
        high_at: Option<u32>,
    },
    /// Measure the rules on a labelled corpus (a directory with labels.json): recall of
    /// fraud-like items at medium and high, false positives at high, recall per family.
    Eval {
        /// The corpus directory.
        dir: PathBuf,
        /// Extra rule pack to load after the built-in one (repeatable).
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the active rules (built-in packs plus --pack): id, family, severity, sources.
    Rules {
        /// Extra rule pack to load after the built-in one (repeatable).
        #[arg(long = "pack", value_name = "FILE")]
        packs: Vec<PathBuf>,
        /// Output format: text, json, or markdown (the catalogue in docs/signals.md).
        #[arg(long, value_enum, default_value_t = CatalogueFormat::Text)]
        format: CatalogueFormat,
    },
    /// Sanctions lists: build a rule pack from OFAC's (and the UN's) published files.
    Sanctions {
        #[command(subcommand)]
        command: SanctionsCommand,
    },
    /// Create a minisign key pair for signing packs: NAME.pub (share it) and NAME.key (keep it).
    Keygen {
        /// Path prefix of the two files.
        #[arg(long, default_value = "candor")]
        out: PathBuf,
        /// Read the key's password from this environment variable (else you are asked).
        #[arg(long, value_name = "VAR", conflicts_with = "unencrypted")]
        password_env: Option<String>,
        /// Store the secret key without a password (for keys held in a CI secret store).
        #[arg(long)]
        unencrypted: bool,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Sign a pack (after linting it): writes PACK.minisig, a minisign detached signature.
    Sign {
        /// The pack file.
        pack: PathBuf,
        /// The secret key (from `candor keygen` or `minisign -G`).
        #[arg(long)]
        key: PathBuf,
        /// Read the key's password from this environment variable (else you are asked).
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Where to write the signature. Default: PACK.minisig.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verify a pack's signature with a public key; exits 1 if it does not verify.
    Verify {
        /// The pack file.
        pack: PathBuf,
        /// The public key (.pub file, or the key itself).
        #[arg(long)]
        pubkey: String,
        /// The signature file. Default: PACK.minisig.
        #[arg(long)]
        sig: Option<PathBuf>,
    },
    /// Run a pack against test cases: each NAME.html or NAME.txt in CASES_DIR with a
    /// NAME.expect.json (rules that must fire or stay silent, level, page kind). Exits 1 on any
    /// failure, so a team can run its packs in its own CI.
    Test {
        /// The pack under test (loaded after the built-in packs; use --no-builtin to test it alone).
        pack: PathBuf,
        /// Directory of cases.
        cases: PathBuf,
        /// Load only this pack, without the built-in ones.
        #[arg(long)]
        no_builtin: bool,
    },
    /// Check a rule pack; exits 1 if it has errors.
    Lint {
        /// The pack file.
        pack: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum SanctionsCommand {
    /// Build a rule pack from OFAC's legacy SDN CSV files, optionally with the UN 1718 list.
    Import {
        /// OFAC sdn.csv (legacy CSV, no header).
        #[arg(long, value_name = "FILE")]
        sdn: PathBuf,
        /// OFAC alt.csv: aliases.
        #[arg(long, value_name = "FILE")]
        alt: Option<PathBuf>,
        /// OFAC add.csv: addresses (city and country go into the entry notes).
        #[arg(long, value_name = "FILE")]
        add: Option<PathBuf>,
        /// OFAC sdn_comments.csv: the remarks past the 1,000-character cap of sdn.csv.
        #[arg(long, value_name = "FILE")]
        comments: Option<PathBuf>,
        /// UN Security Council consolidated list, XML or CSV; its 1718 (DPRK) entries are merged in.
        #[arg(long, value_name = "FILE")]
        un: Option<PathBuf>,
        /// OFAC program tag to import (repeatable). NKSR adds entries whose remarks carry the
        /// North Korea Sanctions Regulations boilerplate under any program.
        #[arg(long = "program", value_name = "TAG", default_values_t = candor::sanctions::DEFAULT_PROGRAMS.iter().map(|p| p.to_string()))]
        programs: Vec<String>,
        /// Prefix of the list names; the pack id is `sanctions.<prefix>` (with - for _).
        #[arg(long, value_name = "PREFIX", default_value = candor::sanctions::DEFAULT_LIST_PREFIX)]
        list_prefix: String,
        /// Write the pack to this file (default: standard output; the summary goes to standard error).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Summary format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogueFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl FailLevel {
    fn level(self) -> Level {
        match self {
            FailLevel::Low => Level::Low,
            FailLevel::Medium => Level::Medium,
            FailLevel::High => Level::High,
            FailLevel::Critical => Level::Critical,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan { paths, csv, summary, url, packs, format, fail_on, at, no_memory, lang, medium_at, high_at } => {
            let d = Thresholds::default();
            let thresholds = Thresholds::new(medium_at.unwrap_or(d.medium), high_at.unwrap_or(d.high)).unwrap_or_else(|e| {
                use clap::CommandFactory;
                Cli::command().error(clap::error::ErrorKind::ArgumentConflict, format!("--medium-at and --high-at: {e}")).exit()
            });
            let options = ScanOptions { locale: lang, thresholds };
            scan(&paths, url.as_deref(), &packs, format, fail_on, at, !no_memory, &options, Outputs { csv, summary })
        }
        Command::Lint { pack, format } => lint_cmd(&pack, format),
        Command::Eval { dir, packs, format } => eval_cmd(&dir, &packs, format),
        Command::Rules { packs, format } => rules_cmd(&packs, format),
        Command::Test { pack, cases, no_builtin } => test_cmd(&pack, &cases, no_builtin),
        Command::Sanctions { command: SanctionsCommand::Import { sdn, alt, add, comments, un, programs, list_prefix, out, format } } => {
            let args = candor::sanctions::ImportArgs { sdn, alt, add, comments, un, programs, list_prefix };
            sanctions_import(&args, out.as_deref(), format)
        }
        Command::Keygen { out, password_env, unencrypted, force } => keygen_cmd(&out, password_env.as_deref(), unencrypted, force),
        Command::Sign { pack, key, password_env, out } => sign_cmd(&pack, &key, password_env.as_deref(), out),
        Command::Verify { pack, pubkey, sig } => verify_cmd(&pack, &pubkey, sig),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("candor: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// `now` or an RFC 3339 UTC time (`2026-11-22T14:05:00Z`, seconds optional) → Unix seconds.
fn parse_time(s: &str) -> Result<i64, String> {
    if s == "now" {
        return std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).map_err(|e| e.to_string());
    }
    let bad = || format!("expected `now` or a UTC time like 2026-11-22T14:05:00Z, got `{s}`");
    let t = s.strip_suffix('Z').ok_or_else(bad)?;
    let (date, time) = t.split_once('T').ok_or_else(bad)?;
    let d: Vec<i64> = date.split('-').map(|x| x.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let h: Vec<i64> = time.split(':').map(|x| x.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let (&[y, mo, da], 2..=3) = (d.as_slice(), h.len()) else { return Err(bad()) };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&da) || h[0] > 23 || h[1] > 59 || h.get(2).is_some_and(|s| *s > 60) {
        return Err(bad());
    }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + da - 1;
    let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    Ok(days * 86400 + h[0] * 3600 + h[1] * 60 + h.get(2).copied().unwrap_or(0))
}

/// A language tag for `--lang`.
fn parse_lang(s: &str) -> Result<String, String> {
    candor::locale::Locale::parse(s).map(|_| s.to_string())
}

/// A secret for this run's persona memory: it never leaves the process.
fn run_secret() -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    Sha256::new().chain_update(t.to_le_bytes()).chain_update(std::process::id().to_le_bytes()).finalize().to_vec()
}

/// Moves the report's persona records into the run's memory.
fn remember(memory: &mut Memory, report: &mut Report, source: &str, seen_at: i64) {
    for c in report.candidates.iter_mut() {
        if let Some(p) = c.persona.take() {
            memory.entries.retain(|e| e.key != p.key);
            memory.entries.push(MemoryEntry { key: p.key, name: c.name.clone(), site: report.site.clone(), url: Some(source.to_string()), seen_at, fingerprint: p.fingerprint });
        }
    }
}

/// Extra outputs of a bulk scan.
struct Outputs {
    csv: Option<PathBuf>,
    summary: Option<PathBuf>,
}

/// Expands directories (recursively, sorted) into the files Candor reads.
fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
                        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
                        let wanted = [".html", ".htm", ".txt", ".json"].iter().any(|e| name.ends_with(e)) && !name.ends_with(".expect.json") && name != "labels.json";
                        if wanted {
                            found.push(path);
                        }
                    }
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn scan(paths: &[PathBuf], url: Option<&str>, packs: &[PathBuf], format: Format, fail_on: Option<FailLevel>, at: Option<i64>, use_memory: bool, options: &ScanOptions, outputs: Outputs) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let rules = compiler_with(packs)?.build();
    let mut memory = Memory { key: run_secret(), entries: Vec::new() };
    let seen_at = at.unwrap_or_else(|| parse_time("now").unwrap_or(0));
    let files = inputs(paths);
    let progress = files.len() > 1 && std::io::stderr().is_terminal();
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for (i, path) in files.iter().enumerate() {
        if progress {
            eprint!("\r\x1b[2Kscanning {}/{}: {}", i + 1, files.len(), path.display());
        }
        let text = match read(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{e:#}"));
                continue;
            }
        };
        let source = path.display().to_string();
        let scanner = Scanner::new(&rules).at(at).options(options).with_memory(use_memory.then_some(&memory));
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let report = if is_json {
            let parsed = serde_json::from_str::<serde_json::Value>(&text).map_err(|e| format!("{source}: not valid JSON: {e}"));
            match parsed.and_then(|v| scanner.scan_export(&source, &v).ok_or_else(|| format!("{source}: not a Greenhouse, Lever or Ashby candidate export"))) {
                Ok(r) => r,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        } else if is_text_thread(path, &text) {
            scanner.scan_text(&source, &text)
        } else {
            scanner.scan_html(&source, url, &text)
        };
        let mut report = report;
        remember(&mut memory, &mut report, &source, seen_at);
        reports.push(report);
    }
    if progress {
        eprint!("\r\x1b[2K");
    }
    let mut out = String::new();
    match format {
        Format::Json => out = serde_json::to_string_pretty(&serde_json::json!({ "reports": reports }))? + "\n",
        Format::Text => reports.iter().for_each(|r| render_report(r, &mut out)),
    }
    emit(&out)?;
    if let Some(p) = &outputs.csv {
        std::fs::write(p, csv_rows(&reports)).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &outputs.summary {
        std::fs::write(p, serde_json::to_string_pretty(&summary(&reports, files.len(), &errors))? + "\n").with_context(|| format!("cannot write {}", p.display()))?;
    }
    for e in &errors {
        eprintln!("candor: error: {e}");
    }
    let worst = reports.iter().map(Report::level).max().unwrap_or(Level::None);
    Ok(match fail_on {
        _ if !errors.is_empty() => ExitCode::from(2),
        Some(f) if worst >= f.level() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per candidate.
fn csv_rows(reports: &[Report]) -> String {
    let mut out = String::from("source,site,page_kind,candidate,profile_id,level,score,families,rules,url\n");
    for r in reports {
        for c in &r.candidates {
            let families: Vec<&str> = c.families.iter().map(|f| f.as_str()).collect();
            let rules: Vec<&str> = c.findings.iter().map(|f| f.rule.as_str()).collect();
            let row = [
                r.source.as_str(),
                r.site.as_str(),
                r.page_kind.as_str(),
                c.name.as_deref().unwrap_or(""),
                c.profile_id.as_deref().unwrap_or(""),
                c.level.as_str(),
                &c.score.to_string(),
                &families.join(" "),
                &rules.join(" "),
                r.url.as_deref().unwrap_or(""),
            ];
            out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
    }
    out
}

/// Counts for a bulk scan.
fn summary(reports: &[Report], files: usize, errors: &[String]) -> serde_json::Value {
    use std::collections::BTreeMap;
    let mut levels: BTreeMap<&str, u32> = ["none", "low", "medium", "high", "critical"].iter().map(|l| (*l, 0)).collect();
    let mut rules: BTreeMap<&str, u32> = BTreeMap::new();
    let mut families: BTreeMap<&str, u32> = BTreeMap::new();
    let mut flagged = Vec::new();
    let mut candidates = 0;
    for r in reports {
        for c in &r.candidates {
            candidates += 1;
            *levels.entry(c.level.as_str()).or_default() += 1;
            for f in &c.findings {
                *rules.entry(f.rule.as_str()).or_default() += 1;
            }
            for f in &c.families {
                *families.entry(f.as_str()).or_default() += 1;
            }
            if c.level >= Level::High {
                flagged.push(serde_json::json!({"source": r.source, "candidate": c.name, "profile_id": c.profile_id, "level": c.level, "score": c.score}));
            }
        }
    }
    serde_json::json!({"files": files, "scanned": reports.len(), "errors": errors, "candidates": candidates,
                       "levels": levels, "families": families, "rules": rules, "high_or_critical": flagged})
}

fn is_text_thread(path: &Path, text: &str) -> bool {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("txt") => true,
        Some("html" | "htm" | "xhtml") => false,
        _ => !text.trim_start().starts_with('<'),
    }
}

/// Writes to stdout; a closed pipe (`candor scan … | head`) ends quietly, as Unix tools do.
fn emit(s: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(s.as_bytes()).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn render_report(r: &Report, out: &mut String) {
    use std::fmt::Write;
    let _ = writeln!(out, "{}", r.source);
    let _ = writeln!(out, "  site {} · adapter {} · {}{}", r.site, r.adapter, r.page_kind.as_str(), r.url.as_deref().map(|u| format!(" · {u}")).unwrap_or_default());
    for n in &r.notices {
        let _ = writeln!(out, "  notice {}: {}", n.code, n.message);
    }
    if r.candidates.is_empty() {
        let _ = writeln!(out, "  no candidate on this page");
    }
    for c in &r.candidates {
        let name = c.name.as_deref().unwrap_or("(unnamed)");
        let families: Vec<&str> = c.families.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(out, 
            "  {name} — {} (score {}): {} finding(s){}",
            c.level.as_str().to_uppercase(),
            c.score,
            c.findings.len(),
            if families.is_empty() { String::new() } else { format!(" in {}", families.join(", ")) }
        );
        for f in &c.findings {
            let cites: Vec<String> = f.sources.iter().map(|s| format!("{} {}", s.id, s.date.as_deref().unwrap_or(""))).map(|s| s.trim().to_string()).collect();
            let _ = writeln!(out, "    [{}] {} — {} ({})", f.severity.as_str(), f.rule, f.title, cites.join("; "));
            for e in &f.evidence {
                let detail = e.detail.as_deref().map(|d| format!("  [{d}]")).unwrap_or_default();
                let _ = writeln!(out, "        {}: \"{}\"{detail}", e.field, e.text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    if !r.candidates.is_empty() {
        let _ = writeln!(out, "  {} ({}):", r.prompt.title, r.prompt.emphasis);
        for (i, s) in r.prompt.steps.iter().enumerate() {
            let _ = writeln!(out, "    {}. {s}", i + 1);
        }
    }
    let _ = writeln!(out);
}

fn compiler_with(packs: &[PathBuf]) -> Result<Compiler> {
    let mut compiler = Compiler::with_builtin();
    for p in packs {
        let text = read(p)?;
        if let Err(diags) = compiler.add_pack(&text) {
            for d in &diags {
                eprintln!("{}:{d}", p.display());
            }
            anyhow::bail!("pack {} has {} error(s); nothing from it was loaded", p.display(), diags.iter().filter(|d| d.is_error()).count());
        }
    }
    Ok(compiler)
}

fn eval_cmd(dir: &Path, packs: &[PathBuf], format: Format) -> Result<ExitCode> {
    let labels_path = dir.join("labels.json");
    let labels: candor::eval::Labels = serde_json::from_str(&read(&labels_path)?).with_context(|| format!("{} is not a valid labels file", labels_path.display()))?;
    let rules = compiler_with(packs)?.build();
    // One persona memory across the corpus, in file order, as a recruiter meets the items one
    // after another: reuse between items is found, and a false match would show as a false
    // positive.
    let mut memory = Memory { key: run_secret(), entries: Vec::new() };
    let mut scored = Vec::new();
    for item in labels.items {
        let path = dir.join(&item.file);
        let text = read(&path)?;
        let source = path.display().to_string();
        let scanner = Scanner::new(&rules).with_memory(Some(&memory));
        let mut report = if is_text_thread(&path, &text) { scanner.scan_text(&source, &text) } else { scanner.scan_html(&source, None, &text) };
        remember(&mut memory, &mut report, &source, 0);
        scored.push((item, report));
    }
    let metrics = candor::eval::measure(&scored);
    match format {
        Format::Json => emit(&(serde_json::to_string_pretty(&metrics)? + "\n"))?,
        Format::Text => emit(&metrics.render())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A password from `VAR`, or from the terminal; never a prompt when stdin is not a terminal.
fn password(var: Option<&str>, what: &str) -> Result<Option<String>> {
    use std::io::IsTerminal;
    match var {
        Some(v) => Ok(Some(std::env::var(v).with_context(|| format!("environment variable {v} is not set"))?)),
        None if std::io::stdin().is_terminal() => Ok(None), // minisign asks interactively
        None => anyhow::bail!("{what} needs a password: pass --password-env VAR"),
    }
}

fn test_cmd(pack: &Path, dir: &Path, no_builtin: bool) -> Result<ExitCode> {
    use std::fmt::Write;
    let text = read(pack)?;
    let mut compiler = if no_builtin { Compiler::new() } else { Compiler::with_builtin() };
    if let Err(diags) = compiler.add_pack(&text) {
        for d in &diags {
            eprintln!("{}:{d}", pack.display());
        }
        anyhow::bail!("pack {} has errors; nothing was tested", pack.display());
    }
    let rules = compiler.build();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".expect.json"))
        .collect();
    cases.sort();
    if cases.is_empty() {
        anyhow::bail!("no NAME.expect.json cases in {}", dir.display());
    }
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    let _ = writeln!(out, "running {} case(s) against {}", cases.len(), pack.display());
    for exp_path in &cases {
        let name = exp_path.file_name().unwrap_or_default().to_string_lossy().trim_end_matches(".expect.json").to_string();
        let expect: serde_json::Value = serde_json::from_str(&read(exp_path)?).with_context(|| format!("{} is not valid JSON", exp_path.display()))?;
        let html = dir.join(format!("{name}.html"));
        let txt = dir.join(format!("{name}.txt"));
        let scanner = Scanner::new(&rules);
        let report = if html.exists() {
            scanner.scan_html(&html.display().to_string(), expect.get("url").and_then(|u| u.as_str()), &read(&html)?)
        } else if txt.exists() {
            scanner.scan_text(&txt.display().to_string(), &read(&txt)?)
        } else {
            anyhow::bail!("case {name}: neither {name}.html nor {name}.txt exists");
        };
        let problems = candor::expect::check(&report, &expect);
        if problems.is_empty() {
            passed += 1;
            let _ = writeln!(out, "test {name} ... ok");
        } else {
            failed += 1;
            let _ = writeln!(out, "test {name} ... FAILED");
            for p in problems {
                let _ = writeln!(out, "    {p}");
            }
        }
    }
    let _ = writeln!(out, "\n{passed} passed, {failed} failed");
    emit(&out)?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn sanctions_import(args: &candor::sanctions::ImportArgs, out: Option<&Path>, format: Format) -> Result<ExitCode> {
    let outcome = candor::sanctions::run_import(args)?;
    match out {
        Some(path) => std::fs::write(path, &outcome.pack_json).with_context(|| format!("cannot write {}", path.display()))?,
        None => emit(&outcome.pack_json)?,
    }
    let summary = match format {
        Format::Json => serde_json::to_string_pretty(&outcome.summary)? + "\n",
        Format::Text => outcome.summary.to_text(),
    };
    eprint!("{summary}"); // the pack may be on standard output
    Ok(ExitCode::SUCCESS)
}

fn keygen_cmd(out: &Path, password_env: Option<&str>, unencrypted: bool, force: bool) -> Result<ExitCode> {
    let with_ext = |ext: &str| {
        let mut p = out.as_os_str().to_owned();
        p.push(ext);
        PathBuf::from(p)
    };
    let (pub_path, key_path) = (with_ext(".pub"), with_ext(".key"));
    for p in [&pub_path, &key_path] {
        if p.exists() && !force {
            anyhow::bail!("{} exists; pass --force to overwrite", p.display());
        }
    }
    let kp = if unencrypted {
        minisign::KeyPair::generate_unencrypted_keypair()
    } else {
        minisign::KeyPair::generate_encrypted_keypair(password(password_env, "an encrypted key")?)
    }
    .map_err(|e| anyhow::anyhow!("cannot generate a key: {e}"))?;
    let pk = kp.pk.to_box().map_err(|e| anyhow::anyhow!("{e}"))?.to_string();
    let sk = kp.sk.to_box(Some("candor pack signing key")).map_err(|e| anyhow::anyhow!("{e}"))?.to_string();
    std::fs::write(&pub_path, &pk).with_context(|| format!("cannot write {}", pub_path.display()))?;
    std::fs::write(&key_path, &sk).with_context(|| format!("cannot write {}", key_path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600));
    }
    let id = candor::trust::key_id(&pk).unwrap_or_default();
    emit(&format!("key {id}\npublic key: {} (give it to the browsers that should trust your packs)\nsecret key: {} (keep it secret{})\n", pub_path.display(), key_path.display(), if unencrypted { "; it has no password" } else { "" }))?;
    Ok(ExitCode::SUCCESS)
}

fn sign_cmd(pack: &Path, key: &Path, password_env: Option<&str>, out: Option<PathBuf>) -> Result<ExitCode> {
    let text = read(pack)?;
    let diags = lint(&text);
    if diags.iter().any(Diagnostic::is_error) {
        for d in &diags {
            eprintln!("{}:{d}", pack.display());
        }
        anyhow::bail!("{} has errors; a broken pack is never signed", pack.display());
    }
    let meta = candor::pack::parse_pack(&text).pack.map(|p| p.meta).context("pack does not parse")?;
    let sk_box = minisign::SecretKeyBox::from_string(&read(key)?).map_err(|e| anyhow::anyhow!("{} is not a minisign secret key: {e}", key.display()))?;
    let sk = match sk_box.clone().into_unencrypted_secret_key() {
        Ok(sk) if !sk.is_encrypted() => sk,
        _ => sk_box.into_secret_key(password(password_env, "this key")?).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", key.display()))?,
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let trusted = format!("timestamp:{now}\tfile:{}\tpack:{} {}", pack.file_name().map(|f| f.to_string_lossy()).unwrap_or_default(), meta.id, meta.version);
    let sig = minisign::sign(None, &sk, std::io::Cursor::new(text.as_bytes()), Some(&trusted), Some("signature from candor"))
        .map_err(|e| anyhow::anyhow!("cannot sign: {e}"))?;
    let out = out.unwrap_or_else(|| {
        let mut p = pack.as_os_str().to_owned();
        p.push(".minisig");
        PathBuf::from(p)
    });
    std::fs::write(&out, sig.to_string()).with_context(|| format!("cannot write {}", out.display()))?;
    emit(&format!("signed {} {} → {}\n", meta.id, meta.version, out.display()))?;
    Ok(ExitCode::SUCCESS)
}

fn verify_cmd(pack: &Path, pubkey: &str, sig: Option<PathBuf>) -> Result<ExitCode> {
    let data = std::fs::read(pack).with_context(|| format!("cannot read {}", pack.display()))?;
    let key_text = if Path::new(pubkey).exists() { read(Path::new(pubkey))? } else { pubkey.to_string() };
    candor::trust::parse_public_key(&key_text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let sig_path = sig.unwrap_or_else(|| {
        let mut p = pack.as_os_str().to_owned();
        p.push(".minisig");
        PathBuf::from(p)
    });
    let sig_text = read(&sig_path)?;
    match candor::trust::verify(&data, Some(&sig_text), &[key_text]) {
        Ok(v) => {
            emit(&format!("{}: signature OK, key {} ({})\n", pack.display(), v.key_id, v.trusted_comment))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(r) => {
            eprintln!("candor: {}: {r}", pack.display());
            Ok(ExitCode::from(1))
        }
    }
}

fn rules_cmd(packs: &[PathBuf], format: CatalogueFormat) -> Result<ExitCode> {
    use std::fmt::Write;
    let rules = compiler_with(packs)?.build();
    let catalogue = rules.catalogue();
    let mut out = String::new();
    match format {
        CatalogueFormat::Json => out = serde_json::to_string_pretty(&catalogue)? + "\n",
        CatalogueFormat::Text => {
            for r in &catalogue {
                let _ = writeln!(out, "{:<34} {:<14} {:<9} {}", r.id, r.family.as_str(), r.severity.as_str(), r.title);
            }
            let _ = writeln!(out, "{} rules", catalogue.len());
        }
        CatalogueFormat::Markdown => {
            let _ = writeln!(out, "| rule | family | severity | how | what it flags | sources |\n|---|---|---|---|---|---|");
            for r in &catalogue {
                let cites: Vec<String> = r
                    .sources
                    .iter()
                    .map(|s| match (&s.url, &s.date) {
                        (Some(u), Some(d)) => format!("[{}]({u}) {d}", s.id),
                        (Some(u), None) => format!("[{}]({u})", s.id),
                        (None, Some(d)) => format!("{} {d}", s.id),
                        (None, None) => s.id.clone(),
                    })
                    .collect();
                let esc = |t: &str| t.replace('|', "\\|");
                let _ = writeln!(out, "| `{}` | {} | {} | {} | {} | {} |", r.id, r.family.as_str(), r.severity.as_str(), r.kind, esc(&r.title), cites.join("; "));
            }
        }
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn lint_cmd(path: &Path, format: Format) -> Result<ExitCode> {
    let text = read(path)?;
    let diags: Vec<Diagnostic> = lint(&text);
    let mut out = String::new();
    match format {
        Format::Json => out = serde_json::to_string_pretty(&diags)? + "\n",
        Format::Text => {
            use std::fmt::Write;
            for d in &diags {
                let _ = writeln!(out, "{}:{d}", path.display());
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if diags.is_empty() {
                let _ = writeln!(out, "{}: ok", path.display());
            } else {
                let _ = writeln!(out, "{}: {errors} error(s), {warnings} warning(s)", path.display());
            }
        }
    }
    emit(&out)?;
    Ok(if diags.iter().any(Diagnostic::is_error) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
