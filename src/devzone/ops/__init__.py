"""Operations: Prometheus metrics, structured JSON logs with a request id, password-age policy."""
