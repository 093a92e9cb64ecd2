//! Mounts the Panjere app into `#app`, replacing the static shell.

fn main() {
    panjere_app::mount();
}
