// Japanese names for the contract's identifiers, and the ordering rules the inbox applies.

/** Category ids (contract.md) → officer-facing names and their source clauses. */
export const CATEGORIES = {
  suicide_notice: { name: '自殺予告', clause: '003 §2(1)', group: 'suicide' },
  group_suicide: { name: '集団自殺の呼び掛け', clause: '003 §2(2)', group: 'suicide' },
  suicide_inducement: { name: '自殺の誘引・勧誘', clause: '003 §5, 004', group: 'suicide' },
  child_sexual_contact: { name: '児童との性行為等の要求', clause: '001 §4(1)', group: 'child' },
  child_lodging: { name: '児童の宿泊先募集等', clause: '001 §4(2)', group: 'child' },
  child_harmful_work: { name: '有害業務への紹介', clause: '001 §4(3)', group: 'child' },
  child_csam_offer: { name: '児童ポルノの提供・購入', clause: '001 §4(4), 000', group: 'child' },
  child_csam_solicit: { name: '児童ポルノ製造等の働き掛け', clause: '001 §4(5)', group: 'child' },
  child_sexualization: { name: '児童を性的対象とする助長', clause: '001 §4(6)', group: 'child' },
};

export const categoryName = (id) => CATEGORIES[id]?.name || String(id);
export const isSuicide = (id) => CATEGORIES[id]?.group === 'suicide';

export const STATUSES = {
  new: '未処理',
  approved: '承認済み',
  returned: '差戻し',
  done: '処理完了',
};
export const statusName = (s) => STATUSES[s] || String(s ?? '—');

/**
 * Urgency levels as the core emits them (`src/analyze.rs`: high / elevated / watch; none or absent
 * otherwise); medium / low are accepted as aliases from older records.
 */
export const URGENCY = { high: '高', elevated: '中', medium: '中', watch: '注視', low: '低', none: '—' };
export const URGENCY_RANK = { high: 3, elevated: 2, medium: 2, watch: 1, low: 1, none: 0 };

export const ROLES = { volunteer: 'ボランティア', officer: '警察官', supervisor: '監督者', admin: '管理者' };

/**
 * The 003 §4(1)ア checklist: (ア) imminent timing, (イ) specific place/motive/method,
 * (ウ) explicit expression, (エ) nothing casting doubt.
 */
export const CHECKLIST = [
  { key: 'timing', mark: 'ア', name: '時期の切迫性', clause: '003 §4(1)ア(ア)' },
  { key: 'specific', mark: 'イ', name: '場所・動機・方法の具体性', clause: '003 §4(1)ア(イ)' },
  { key: 'explicit', mark: 'ウ', name: '明示的な表現', clause: '003 §4(1)ア(ウ)' },
  { key: 'no_doubt', mark: 'エ', name: '疑義を生じさせる事情がない', clause: '003 §4(1)ア(エ)' },
];

export const REGION = { in: '管轄内', out: '管轄外', unknown: '不明' };

export const TAKEDOWN_METHODS = {
  form: '通報フォーム', email: '電子メール', x_report: 'X の報告機能', phone: '電話', fax: 'ファックス', letter: '文書', other: 'その他',
};

export const TAKEDOWN_STATES = { requested: '依頼済み（未確認）', still_up: '掲載中', removed: '削除済み' };
