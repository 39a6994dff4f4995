//! Percentile summaries of timing samples.

use std::time::Duration;

/// p50 / p99 / max / mean of a set of samples, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Summary {
    pub fn of(samples: &[Duration]) -> Summary {
        if samples.is_empty() {
            return Summary::default();
        }
        let mut sorted: Vec<f64> = samples.iter().map(|sample| sample.as_secs_f64() * 1000.0).collect();
        sorted.sort_by(f64::total_cmp);
        // Nearest-rank percentiles: the smallest sample with at least p% of samples at or below it.
        let rank = |percent: f64| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            let idx = ((percent / 100.0 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
            sorted[idx]
        };
        #[allow(clippy::cast_precision_loss)]
        let mean_ms = sorted.iter().sum::<f64>() / sorted.len() as f64;
        Summary { n: sorted.len(), p50_ms: rank(50.0), p99_ms: rank(99.0), max_ms: sorted[sorted.len() - 1], mean_ms }
    }

    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "n": self.n,
            "p50_ms": round3(self.p50_ms),
            "p99_ms": round3(self.p99_ms),
            "max_ms": round3(self.max_ms),
            "mean_ms": round3(self.mean_ms),
        })
    }
}

pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let summary = Summary::of(&samples);
        assert_eq!(summary.n, 100);
        assert!((summary.p50_ms - 50.0).abs() < 1e-9);
        assert!((summary.p99_ms - 99.0).abs() < 1e-9);
        assert!((summary.max_ms - 100.0).abs() < 1e-9);
    }
}
