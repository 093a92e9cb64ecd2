// Builds, on a worker thread, the kinds of Intl formatter the app uses. The
// browser then has their locale data loaded for the whole page, and the
// app's own first formatter on the main thread costs little instead of a
// long task (tens of milliseconds on a slow phone). The loader in
// Trunk.toml starts this while the app's wasm downloads.
for (const locale of ['fa-IR', 'en-GB']) {
  new Intl.NumberFormat(locale).format(0);
}
new Intl.DateTimeFormat('fa-IR-u-ca-persian', { dateStyle: 'medium', timeStyle: 'medium' }).format(0);
close();
