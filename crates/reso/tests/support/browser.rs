//! Headless Chromium driven through chromedriver, for the browser tests.
//!
//! Browser tests only run when `RESO_CHROMEDRIVER` names a chromedriver
//! binary (`.ci/run` sets it); otherwise `Browser::start` returns `None` and
//! the test should return early.

// Each test binary uses a different part of the support code; unused parts
// are expected there, so `expect` would fire wherever everything is used.
#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

/// Names the chromedriver binary; browser tests are skipped when unset.
pub const CHROMEDRIVER_ENV: &str = "RESO_CHROMEDRIVER";
/// Overrides the Chromium binary (default `/usr/bin/chromium`).
pub const CHROMIUM_ENV: &str = "RESO_CHROMIUM";

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER_STARTUP: Duration = Duration::from_secs(20);

/// The size the pages are laid out for.
#[derive(Debug, Clone, Copy)]
enum Viewport {
    Desktop,
    /// A common phone (iPhone 12 to 14): 390×844 CSS pixels, touch.
    Phone,
}

/// A Chromium session with its own chromedriver and throw-away profile.
///
/// Dropping it (also while a test panics) kills chromedriver and every
/// Chromium process it started, then deletes the profile.
pub struct Browser {
    client: Client,
    driver: Driver,
}

impl Browser {
    /// Starts a desktop-sized browser, or `None` when `RESO_CHROMEDRIVER`
    /// is unset. Panics if it is set but the browser cannot be started.
    pub async fn start() -> Option<Browser> {
        Browser::start_with(Viewport::Desktop).await
    }

    /// Like [`Browser::start`], but pages see a 390×844 touch phone
    /// (through Chromium's mobile emulation: a headless window cannot be
    /// narrower than 500 pixels).
    pub async fn start_phone() -> Option<Browser> {
        Browser::start_with(Viewport::Phone).await
    }

    async fn start_with(viewport: Viewport) -> Option<Browser> {
        let chromedriver = std::env::var_os(CHROMEDRIVER_ENV)?;
        let chromium = std::env::var(CHROMIUM_ENV).unwrap_or_else(|_| DEFAULT_CHROMIUM.to_owned());
        let driver = Driver::spawn(Path::new(&chromedriver)).await;

        let profile = driver.profile.path().display();
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--window-size=1280,800",
                format!("--user-data-dir={profile}"),
            ],
        });
        if let Viewport::Phone = viewport {
            // `mobile` makes Chromium honour `<meta name="viewport">` the
            // way a phone does, so pages without it are laid out 980 wide.
            options["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": 390,
                    "height": 844,
                    "pixelRatio": 3.0,
                    "touch": true,
                    "mobile": true,
                },
            });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), options);

        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|error| {
                panic!("start Chromium ({chromium}) through chromedriver: {error}")
            });
        Some(Browser { client, driver })
    }

    /// The WebDriver client, to navigate, find elements, fill in forms.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Saves a PNG of the current viewport to `path`, creating its parent
    /// directories; handy to look at a failing journey or a layout.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let path = path.as_ref();
        let png = self.client.screenshot().await?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Ends the session cleanly (Chromium exits), then stops chromedriver.
    /// Dropping the browser also cleans up, only more abruptly.
    pub async fn close(self) {
        let Browser { client, driver } = self;
        if let Err(error) = client.close().await {
            eprintln!("closing the browser session failed: {error}");
        }
        drop(driver);
    }
}

/// A chromedriver process in its own process group, so that it and the
/// Chromium processes it starts can be killed together.
struct Driver {
    child: Child,
    port: u16,
    profile: TempDir,
}

impl Driver {
    async fn spawn(binary: &Path) -> Driver {
        let profile = tempfile::Builder::new()
            .prefix("reso-chromium-")
            .tempdir()
            .expect("create a temporary Chromium profile directory");
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", binary.display()));
        let mut driver = Driver {
            child,
            port,
            profile,
        };
        driver.wait_until_listening().await;
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + DRIVER_STARTUP;
        while tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, self.port))
            .await
            .is_err()
        {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited before listening on its port: {status}");
            }
            if Instant::now() > deadline {
                panic!(
                    "chromedriver did not listen on port {} within {DRIVER_STARTUP:?}",
                    self.port
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group id is chromedriver's pid (`process_group(0)`); a negative
        // pid makes `kill` signal the whole group, Chromium included.
        let group = format!("-{}", self.child.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        if !matches!(killed, Ok(status) if status.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        // `profile` is deleted when its `TempDir` drops, after this.
    }
}

/// A loopback port that was free a moment ago. chromedriver needs a number
/// up front, so there is a small window in which another process could take it.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("find a free loopback port")
        .port()
}

/// Opens `login_url` and signs in with `email` and `password` (the control
/// center's and the mediator console's sign-in form are one page).
pub async fn sign_in(c: &Client, login_url: &str, email: &str, password: &str) {
    use fantoccini::Locator;
    c.goto(login_url).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}
