//! The reader's weights and settings, as the data file `rules/reader.tsv` holds them: one line per
//! feature, weights in hundredths per category, so a retrained file diffs line by line.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::category::Category;

/// Weights are stored as integers in units of 1/SCALE.
pub const SCALE: f32 = 100.0;
pub const FORMAT: &str = "patrol-reader 1";

/// When the reader may act. `None` switches that action off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Add a category the rules missed, on a post they flagged, when its probability is at least this.
    pub add: Option<f32>,
    /// The same on a post the rules did not flag at all (the addition makes a new alarm).
    pub add_new: Option<f32>,
    /// Hold back a rule flag whose probability is below this…
    pub veto: Option<f32>,
    /// …and whose rule confidence is below this (only low-confidence flags).
    pub veto_below: f32,
}

impl Settings {
    pub const OFF: Settings = Settings {
        add: None,
        add_new: None,
        veto: None,
        veto_below: 0.0,
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub settings: Settings,
    /// Free text: what it was trained on (rule set version, parts, posts).
    pub trained_on: String,
    pub bias: [i32; 9],
    /// Feature → (category index, weight in 1/SCALE), sorted by category.
    pub weights: HashMap<String, Vec<(u8, i32)>>,
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn threshold(s: &str) -> Result<Option<f32>, String> {
    if s == "off" {
        return Ok(None);
    }
    let v: f32 = s.parse().map_err(|_| format!("not a threshold: {s}"))?;
    if !(0.0..=1.0).contains(&v) {
        return Err(format!("threshold out of [0, 1]: {s}"));
    }
    Ok(Some(v))
}

fn show(t: Option<f32>) -> String {
    t.map_or("off".to_string(), |v| format!("{v:.2}"))
}

impl Model {
    /// Probability of each category (in `Category::ALL` order) given a post's features.
    pub fn probabilities(&self, keys: &[String]) -> [f32; 9] {
        let mut z = self.bias.map(|b| b as f32 / SCALE);
        for k in keys {
            if let Some(ws) = self.weights.get(k) {
                for &(c, w) in ws {
                    z[c as usize] += w as f32 / SCALE;
                }
            }
        }
        z.map(sigmoid)
    }

    /// The features of `keys` that push category `c` up (or down, `positive = false`) the most.
    pub fn top(&self, keys: &[String], c: usize, positive: bool, n: usize) -> Vec<(String, f32)> {
        let mut v: Vec<(String, f32)> = keys
            .iter()
            .filter_map(|k| {
                let ws = self.weights.get(k)?;
                let w = ws.iter().find(|&&(ci, _)| ci as usize == c)?.1;
                (if positive { w > 0 } else { w < 0 }).then(|| (k.clone(), w as f32 / SCALE))
            })
            .collect();
        v.sort_by(|a, b| {
            b.1.abs()
                .partial_cmp(&a.1.abs())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(&b.0))
        });
        v.truncate(n);
        v
    }

    pub fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
        let mut header: HashMap<&str, &str> = HashMap::new();
        let mut weights = HashMap::new();
        let mut bias = None;
        let err = |n: usize, m: &str| format!("reader.tsv:{}: {m}", n + 1);
        for (n, line) in lines.by_ref() {
            let (key, rest) = line.split_once('\t').ok_or_else(|| err(n, "no tab"))?;
            match key {
                "format" | "trained_on" | "add" | "add_new" | "veto" | "veto_below"
                | "categories" => {
                    header.insert(key, rest);
                }
                "bias" => {
                    let v: Vec<i32> = rest
                        .split(' ')
                        .map(|x| x.parse().map_err(|_| err(n, "bad bias")))
                        .collect::<Result<_, _>>()?;
                    bias = Some(<[i32; 9]>::try_from(v).map_err(|_| err(n, "bias needs 9"))?);
                }
                _ => {
                    let mut ws = Vec::new();
                    for pair in rest.split(' ') {
                        let (c, w) = pair.split_once(':').ok_or_else(|| err(n, "bad weight"))?;
                        let c: u8 = c.parse().map_err(|_| err(n, "bad category"))?;
                        let w: i32 = w.parse().map_err(|_| err(n, "bad weight"))?;
                        if c >= 9 {
                            return Err(err(n, "category index out of range"));
                        }
                        ws.push((c, w));
                    }
                    weights.insert(key.to_string(), ws);
                }
            }
        }
        if header.get("format") != Some(&FORMAT) {
            return Err(format!("reader.tsv: format is not {FORMAT:?}"));
        }
        let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        if header.get("categories") != Some(&ids.join(" ").as_str()) {
            return Err("reader.tsv: categories differ from Category::ALL".to_string());
        }
        let get = |k: &str| header.get(k).copied().ok_or(format!("reader.tsv: no {k}"));
        let settings = Settings {
            add: threshold(get("add")?)?,
            // Files written before the threshold for new alarms existed: none are made.
            add_new: header
                .get("add_new")
                .map(|v| threshold(v))
                .transpose()?
                .flatten(),
            veto: threshold(get("veto")?)?,
            veto_below: threshold(get("veto_below")?)?.unwrap_or(0.0),
        };
        Ok(Model {
            settings,
            trained_on: get("trained_on")?.to_string(),
            bias: bias.ok_or("reader.tsv: no bias")?,
            weights,
        })
    }

    /// The data file: header, then features sorted by name (same model → same bytes).
    pub fn write(&self) -> String {
        let mut s = String::new();
        s.push_str(
            "# The second reader of patrol (src/reader): per category an L2-regularised logistic\n\
             # regression over the analyzer's own scan of a post. Written by `patrol reader train`;\n\
             # do not edit by hand — retrain after a rule change. Weights in 1/100, category indices\n\
             # in the order of `categories`. Thresholds were chosen by leave-one-part-out CV.\n",
        );
        let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        let _ = writeln!(s, "format\t{FORMAT}");
        let _ = writeln!(s, "trained_on\t{}", self.trained_on);
        let _ = writeln!(s, "categories\t{}", ids.join(" "));
        let _ = writeln!(s, "add\t{}", show(self.settings.add));
        let _ = writeln!(s, "add_new\t{}", show(self.settings.add_new));
        let _ = writeln!(s, "veto\t{}", show(self.settings.veto));
        let _ = writeln!(s, "veto_below\t{:.2}", self.settings.veto_below);
        let b: Vec<String> = self.bias.iter().map(|b| b.to_string()).collect();
        let _ = writeln!(s, "bias\t{}", b.join(" "));
        let mut keys: Vec<&String> = self.weights.keys().collect();
        keys.sort();
        for k in keys {
            let ws: Vec<String> = self.weights[k]
                .iter()
                .map(|(c, w)| format!("{c}:{w}"))
                .collect();
            let _ = writeln!(s, "{k}\t{}", ws.join(" "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let mut weights = HashMap::new();
        weights.insert("w:死ぬ".to_string(), vec![(6, 250), (8, -40)]);
        weights.insert("g:笑".to_string(), vec![(6, -300)]);
        Model {
            settings: Settings {
                add: Some(0.9),
                add_new: None,
                veto: None,
                veto_below: 0.8,
            },
            trained_on: "test".to_string(),
            bias: [-200; 9],
            weights,
        }
    }

    #[test]
    fn the_data_file_round_trips() {
        let m = model();
        let text = m.write();
        assert_eq!(Model::parse(&text), Ok(m));
    }

    #[test]
    fn probabilities_add_the_weights_of_present_features() {
        let m = model();
        let p = m.probabilities(&["w:死ぬ".to_string()]);
        assert!((p[6] - sigmoid(0.5)).abs() < 1e-6);
        assert!((p[8] - sigmoid(-2.4)).abs() < 1e-6);
        assert!((p[0] - sigmoid(-2.0)).abs() < 1e-6);
        let p = m.probabilities(&["w:死ぬ".to_string(), "g:笑".to_string()]);
        assert!((p[6] - sigmoid(-2.5)).abs() < 1e-6);
        assert_eq!(
            m.top(&["w:死ぬ".to_string(), "g:笑".to_string()], 6, false, 3),
            vec![("g:笑".to_string(), -3.0)]
        );
    }

    #[test]
    fn a_damaged_file_is_refused_with_its_line() {
        let bad = model().write().replace("6:250", "6:x");
        let e = Model::parse(&bad).unwrap_err();
        assert!(e.contains("bad weight"), "{e}");
        let bad = model()
            .write()
            .replace("format\tpatrol-reader 1", "format\tother");
        assert!(Model::parse(&bad).is_err());
    }
}
