//! `gatehouse import`: a live server's configuration, exported by `scripts/export-aws.sh` with
//! the aws CLI and imported, decides every request of a matrix exactly as the original does
//! (`tests/import/roundtrip.py`).

mod common;

#[test]
fn an_imported_export_decides_as_the_original() {
    common::run_script("import/roundtrip.py", "import", &[&common::server_config()]);
}
