//! The explorer page: plain HTML, CSS and JavaScript compiled into the
//! binary (no CDN, no build step, nothing fetched at run time).

/// (path, content type, body) of every file of the page.
pub const ASSETS: [(&str, &str, &str); 3] = [
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("web/index.html"),
    ),
    (
        "/app.js",
        "text/javascript; charset=utf-8",
        include_str!("web/app.js"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_str!("web/style.css"),
    ),
];
