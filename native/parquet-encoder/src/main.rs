//! Writes one Parquet file from Arrow record batches read on stdin, for the local ETL
//! (`tools/etl/native-parquet-writer.ts`).
//!
//! Usage: `store-sales-parquet-encoder --out FILE --row-group-rows N [--plain COL]...
//! [--delta-binary-packed COL]... [--delta-byte-array COL]... [--statistics COL]...`
//!
//! stdin: frames of a little-endian u32 length then that many bytes of an Arrow IPC stream (one
//! record batch each, as `toIpc` makes them), until end of input. Dictionary-coded columns (the
//! ETL sends its enum and constant strings as one-byte codes and the values they stand for) are
//! expanded to their values first: the file is the one the same batch with plain strings, what
//! parquet-wasm is given, makes (the Parquet dictionaries are the writer's own). The writer is
//! parquet-rs's `ArrowWriter` with the settings parquet-wasm's `WriterPropertiesBuilder` is given
//! for the lake (`lambda/core/parquet-file-writer.ts`, `writerSettings`): v1 pages, ZSTD at its
//! default level, dictionaries but on `--plain` columns, no statistics but chunk statistics on
//! `--statistics` columns. On success it prints one line of JSON and exits 0: the row count of the footer it
//! wrote, and (on Linux) its own CPU seconds and peak RSS, which the ETL adds to the worker's
//! figures; on any error it prints the reason to stderr and exits 1, leaving the partial file to
//! the caller.

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_ipc::reader::StreamReader;
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::io::{self, BufWriter, Read};
use std::process::ExitCode;
use std::sync::Arc;

type Failure = Box<dyn std::error::Error>;

struct Args {
    out: String,
    properties: WriterProperties,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, Failure> {
    let mut out = None;
    let mut rows = None;
    let mut b = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let column = || ColumnPath::from(value.as_str());
        b = match flag.as_str() {
            "--out" => {
                out = Some(value.clone());
                b
            }
            "--row-group-rows" => {
                rows = Some(value.parse::<usize>().map_err(|_| format!("--row-group-rows {value}: not a count"))?);
                b
            }
            "--plain" => b.set_column_dictionary_enabled(column(), false),
            "--delta-binary-packed" => b.set_column_encoding(column(), Encoding::DELTA_BINARY_PACKED),
            "--delta-byte-array" => b.set_column_encoding(column(), Encoding::DELTA_BYTE_ARRAY),
            "--statistics" => b.set_column_statistics_enabled(column(), EnabledStatistics::Chunk),
            _ => return Err(format!("unknown flag {flag}").into()),
        };
    }
    let rows = rows.ok_or("--row-group-rows is required")?;
    #[allow(deprecated)] // the name parquet-wasm 0.8's builder calls
    let properties = b.set_max_row_group_size(rows).build();
    Ok(Args { out: out.ok_or("--out is required")?, properties })
}

/// The next frame's bytes, or None at the end of input (between frames only).
fn next_frame(input: &mut impl Read, frame: &mut Vec<u8>) -> Result<bool, Failure> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        let n = input.read(&mut len[got..])?;
        if n == 0 {
            return if got == 0 { Ok(false) } else { Err("input ends inside a frame's length".into()) };
        }
        got += n;
    }
    frame.resize(u32::from_le_bytes(len) as usize, 0);
    input.read_exact(frame).map_err(|e| format!("input ends inside a frame: {e}"))?;
    Ok(true)
}

/// The batch with every dictionary-coded column replaced by its values (a take of the values by
/// the codes), under a schema of plain fields.
fn expanded(batch: RecordBatch) -> Result<RecordBatch, Failure> {
    if !batch.schema().fields().iter().any(|f| matches!(f.data_type(), DataType::Dictionary(..))) {
        return Ok(batch);
    }
    let schema = batch.schema();
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(fields.capacity());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match column.as_any_dictionary_opt() {
            Some(dict) => {
                let values = arrow_select::take::take(dict.values().as_ref(), dict.keys(), None)?;
                fields.push(
                    Field::new(field.name(), values.data_type().clone(), field.is_nullable())
                        .with_metadata(field.metadata().clone()),
                );
                columns.push(values);
            }
            None => {
                fields.push(field.as_ref().clone());
                columns.push(column.clone());
            }
        }
    }
    let schema = Schema::new_with_metadata(fields, schema.metadata().clone());
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

fn run() -> Result<i64, Failure> {
    let args = parse_args(std::env::args().skip(1))?;
    let mut input = io::stdin().lock();
    let mut frame = Vec::new();
    let mut writer: Option<ArrowWriter<BufWriter<File>>> = None;
    while next_frame(&mut input, &mut frame)? {
        for batch in StreamReader::try_new(frame.as_slice(), None)? {
            let batch = expanded(batch?)?;
            if writer.is_none() {
                let file = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
                writer = Some(ArrowWriter::try_new(file, batch.schema(), Some(args.properties.clone()))?);
            }
            writer.as_mut().expect("opened above").write(&batch)?;
        }
    }
    let writer = writer.ok_or("no record batch on stdin")?;
    Ok(writer.close()?.file_metadata().num_rows())
}

/// This process's CPU seconds and peak RSS in KiB, from /proc (Linux; zeros elsewhere). The CPU
/// time is the scheduler's, in nanoseconds (/proc/self/schedstat: the encoder runs on its main
/// thread alone); /proc/self/stat's user and system ticks (100 a second) are too coarse for a
/// small file's few milliseconds, and serve only where schedstat is missing.
fn own_usage() -> (f64, u64) {
    let scheduled = std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()));
    let cpu = match scheduled {
        Some(ns) => ns as f64 / 1e9,
        None => {
            let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
            // the fields after the command name, which is in parentheses and may hold spaces
            let fields: Vec<&str> =
                stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
            let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name
            (ticks(11) + ticks(12)) as f64 / 100.0
        }
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    (cpu, peak_kib)
}

fn main() -> ExitCode {
    match run() {
        Ok(rows) => {
            let (cpu, peak_kib) = own_usage();
            println!("{{\"rows\":{rows},\"cpuSeconds\":{cpu},\"peakRssKib\":{peak_kib}}}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("store-sales-parquet-encoder: {err}");
            ExitCode::FAILURE
        }
    }
}
