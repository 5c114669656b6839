// @ts-check
/**
 * The category ids of the contract (docs/architecture.md, /work/shared/contract.md), in the order the
 * panel lists them, with the short Japanese names used in filters and the clause each comes from.
 * The analysis carries its own Japanese `label` per flag; these names exist for the filter and the
 * options page, where no analysis is at hand.
 */
export const CATEGORIES = /** @type {const} */ ([
  { id: 'child_sexual_contact', name: '児童との性行為・面会の要求', clause: '001 §4(1)' },
  { id: 'child_lodging', name: '児童の宿泊先募集・提供・紹介', clause: '001 §4(2)' },
  { id: 'child_harmful_work', name: '児童の有害業務への紹介', clause: '001 §4(3)' },
  { id: 'child_csam_offer', name: '児童ポルノの陳列・提供・購入希望', clause: '001 §4(4), 000' },
  { id: 'child_csam_solicit', name: '児童ポルノ等の製造・販売の慫慂', clause: '001 §4(5)' },
  { id: 'child_sexualization', name: '児童を性の対象とする書き込み', clause: '001 §4(6)' },
  { id: 'suicide_notice', name: '自殺予告', clause: '003 §2(1)' },
  { id: 'group_suicide', name: '集団自殺の呼びかけ', clause: '003 §2(2)' },
  { id: 'suicide_inducement', name: '自殺誘引情報', clause: '003 §5, 004' },
]);

/** @typedef {typeof CATEGORIES[number]['id']} CategoryId */

/** @type {ReadonlySet<string>} */
export const CATEGORY_IDS = new Set(CATEGORIES.map((c) => c.id));

/** Suicide categories: their badges stand out and their detail shows the 003 §4(1) checklist. */
export const SUICIDE_CATEGORIES = new Set(['suicide_notice', 'group_suicide', 'suicide_inducement']);

/** @param {string} id */
export function categoryName(id) {
  return CATEGORIES.find((c) => c.id === id)?.name ?? id;
}

/** Japanese names of the urgency levels the analysis reports (`urgency.level`). */
export const URGENCY_NAMES = /** @type {Record<string, string>} */ ({
  high: '緊急度 高',
  elevated: '緊急度 中',
  watch: '要注視',
  none: '',
});

/** The 47 prefectures, for the jurisdiction setting (the analyzer judges `region` against it). */
export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県',
  '埼玉県', '千葉県', '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県',
  '岐阜県', '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県',
  '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県', '香川県', '愛媛県', '高知県', '福岡県',
  '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
];
