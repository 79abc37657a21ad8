//! The scenario files shipped in scenarios/, compiled into the library so
//! that front ends (`migsim serve`, the Python package) offer them wherever
//! the binary runs. A test holds this list equal to the folder.

/// (name, TOML text) of every shipped scenario, by name; the name is the
/// file stem, `scenarios/<name>.toml`.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // used by `migsim serve` only
pub const SHIPPED: [(&str, &str); 15] = [
    (
        "assets-downturn",
        include_str!("../../scenarios/assets-downturn.toml"),
    ),
    (
        "assets-downturn-sensitivity",
        include_str!("../../scenarios/assets-downturn-sensitivity.toml"),
    ),
    (
        "assets-downturn-uncertainty",
        include_str!("../../scenarios/assets-downturn-uncertainty.toml"),
    ),
    (
        "assets-expectations",
        include_str!("../../scenarios/assets-expectations.toml"),
    ),
    (
        "assets-rent-purchase",
        include_str!("../../scenarios/assets-rent-purchase.toml"),
    ),
    (
        "enclave-dispersal",
        include_str!("../../scenarios/enclave-dispersal.toml"),
    ),
    (
        "enclave-platform",
        include_str!("../../scenarios/enclave-platform.toml"),
    ),
    (
        "enclave-platform-experiment",
        include_str!("../../scenarios/enclave-platform-experiment.toml"),
    ),
    (
        "enclave-platform-uncertainty",
        include_str!("../../scenarios/enclave-platform-uncertainty.toml"),
    ),
    ("showcase", include_str!("../../scenarios/showcase.toml")),
    (
        "talent-service-centres",
        include_str!("../../scenarios/talent-service-centres.toml"),
    ),
    (
        "talent-unit-support",
        include_str!("../../scenarios/talent-unit-support.toml"),
    ),
    (
        "talent-unit-support-posterior",
        include_str!("../../scenarios/talent-unit-support-posterior.toml"),
    ),
    (
        "talent-unit-support-sensitivity",
        include_str!("../../scenarios/talent-unit-support-sensitivity.toml"),
    ),
    (
        "talent-unit-support-uncertainty",
        include_str!("../../scenarios/talent-unit-support-uncertainty.toml"),
    ),
];

/// The TOML text of shipped scenario `name`.
#[cfg_attr(not(feature = "serve"), allow(dead_code))] // used by `migsim serve` only
pub fn shipped(name: &str) -> Option<&'static str> {
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, src)| *src)
}

#[cfg(test)]
mod tests {
    /// The embedded list is exactly the folder's `*.toml` files, and each
    /// embedded text is the file's current text.
    #[test]
    fn the_list_is_the_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter_map(|f| f.strip_suffix(".toml").map(str::to_string))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = super::SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(listed, on_disk);
        for (name, src) in super::SHIPPED {
            let text = std::fs::read_to_string(dir.join(format!("{name}.toml")))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(src, text, "{name}");
        }
    }
}
