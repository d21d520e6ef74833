//! Built-in TLS for `packyard serve --tls-cert --tls-key`, for operators who want one
//! binary and no reverse proxy. Handshakes run in each connection's own task
//! ([`crate::edge::listen`]), so a slow or hostile client cannot stall everyone else's `accept`;
//! ALPN offers HTTP/2 and HTTP/1.1.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate chain from {path}: {why}")]
    Certificate { path: String, why: String },
    #[error("cannot read the private key from {path}: {why}")]
    Key { path: String, why: String },
    #[error("the certificate and key do not work together: {0}")]
    Config(String),
}

/// Reads a PEM certificate chain and private key (PKCS#8, PKCS#1 or SEC1).
pub fn load_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let cert_err = |why: String| TlsError::Certificate {
        path: cert.display().to_string(),
        why,
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| cert_err(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_err(e.to_string()))?;
    if chain.is_empty() {
        return Err(cert_err("no CERTIFICATE block found".into()));
    }
    let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.display().to_string(),
        why: e.to_string(),
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // Stateless session tickets (rustls' default keeps 256 sessions in server memory, which
    // a few hundred clients push out): a returning client resumes with an abbreviated
    // handshake whatever the number of clients. One ticket per full handshake is enough for
    // the next connection and halves the ticket work of a full handshake.
    config.ticketer = tokio_rustls::rustls::crypto::ring::Ticketer::new()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.send_tls13_tickets = 1;
    Ok(Arc::new(config))
}

/// The certificate and key files and the configuration last read from them: re-read on
/// SIGHUP, so a renewed certificate is served without a restart. Handshakes already done
/// keep their connection.
#[derive(Clone)]
pub struct TlsCertificates {
    cert: PathBuf,
    key: PathBuf,
    current: Arc<ArcSwap<ServerConfig>>,
}

impl TlsCertificates {
    pub fn load(cert: &Path, key: &Path) -> Result<TlsCertificates, TlsError> {
        Ok(TlsCertificates {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            current: Arc::new(ArcSwap::new(load_config(cert, key)?)),
        })
    }

    /// Reads the files again; on error the previous certificate stays in use.
    pub fn reload(&self) -> Result<(), TlsError> {
        self.current.store(load_config(&self.cert, &self.key)?);
        Ok(())
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.current.load_full())
    }
}

/// A TCP listener whose connections speak TLS.
pub struct TlsListener {
    tcp: TcpListener,
    certificates: TlsCertificates,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, certificates: TlsCertificates) -> TlsListener {
        TlsListener { tcp, certificates }
    }

    pub fn into_parts(self) -> (TcpListener, TlsCertificates) {
        (self.tcp, self.certificates)
    }
}
