//! TLS server configuration (rustls with the `ring` provider; TLS 1.2 and 1.3).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;

use crate::config::TlsConfig;
use crate::error::{Error, ErrorKind, Result};

fn tls_err(msg: String) -> Error {
    Error::new(ErrorKind::Tls, msg)
}

/// Build the rustls server configuration: certificate chain and key from PEM files and,
/// when `client_ca` is set, mandatory client certificates signed by that CA.
pub fn server_config(t: &TlsConfig, alpn_http: bool) -> Result<Arc<rustls::ServerConfig>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&t.cert)
        .map_err(|e| tls_err(format!("read certificate {}: {e}", t.cert.display())))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| tls_err(format!("read certificate {}: {e}", t.cert.display())))?;
    if certs.is_empty() {
        return Err(tls_err(format!(
            "{}: no PEM certificate found",
            t.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&t.key)
        .map_err(|e| tls_err(format!("read private key {}: {e}", t.key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(format!("tls protocol versions: {e}")))?;
    let builder = match &t.client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            let cas = CertificateDer::pem_file_iter(ca)
                .map_err(|e| tls_err(format!("read client CA {}: {e}", ca.display())))?;
            for c in cas {
                let c = c.map_err(|e| tls_err(format!("read client CA {}: {e}", ca.display())))?;
                roots
                    .add(c)
                    .map_err(|e| tls_err(format!("client CA {}: {e}", ca.display())))?;
            }
            let v = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| tls_err(format!("client CA {}: {e}", ca.display())))?;
            builder.with_client_cert_verifier(v)
        }
    };
    let mut cfg = builder.with_single_cert(certs, key).map_err(|e| {
        tls_err(format!(
            "certificate {} and key {}: {e}",
            t.cert.display(),
            t.key.display()
        ))
    })?;
    if alpn_http {
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    }
    Ok(Arc::new(cfg))
}
