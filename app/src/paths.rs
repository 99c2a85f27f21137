//! Every page's address, in one place below the domains: a link from one
//! domain's page to another's is not a code dependency between them, and the
//! layout's navigation reads them from here. `lib.rs` routes each one.

// identity
/// The access page.
pub const ACCESS_PAGE: &str = "/access";
/// Where the sign-in flow sends people once they are in.
pub const AFTER_SIGN_IN: &str = "/account";
/// The waiting page.
pub const WAIT_PAGE: &str = "/sign-in/wait";
/// The sign-in page.
pub const SIGN_IN_PAGE: &str = "/sign-in";
/// Changes to access (roles, sessions, accounts), for admins.
pub const ACCESS_HISTORY_PAGE: &str = "/access/history";
/// The simulator's phone-app page.
pub const SIMULATOR_PAGE: &str = "/nafath-simulator";

// messaging
/// The messaging simulator's page (development only).
pub const MESSAGING_SIMULATOR_PAGE: &str = "/messaging-simulator";

// registry
/// Staff register a household on a family's behalf.
pub const WALK_IN_PAGE: &str = "/association/walk-in";
/// The council's review of possible duplicate households.
pub const DUPLICATES_PAGE: &str = "/council/duplicates";
/// The registration wizard's page.
pub const WIZARD_PAGE: &str = "/household";

// privacy
/// The family's "My data" page (PDPL rights).
pub const MY_DATA_PAGE: &str = "/my-data";
/// The downloaded copy of "My data" (JSON, `docs/my-data.schema.json`).
pub const MY_DATA_JSON: &str = "/my-data.json";
/// The data-protection officer's queue of requests.
pub const PRIVACY_QUEUE_PAGE: &str = "/council/privacy-requests";
/// Disputes of records an association wrote.
pub const PRIVACY_DISPUTES_PAGE: &str = "/association/disputes";

// coverage
/// The council's matrix page.
pub const MATRIX_PAGE: &str = "/coverage";
/// Proposals (association admins) and their approval (council).
pub const PROPOSALS_PAGE: &str = "/coverage/proposals";
/// The CSV export of the matrix.
pub const MATRIX_CSV: &str = "/coverage/matrix.csv";

// applications
/// The family's applications and notifications.
pub const MY_APPLICATIONS_PAGE: &str = "/applications";
/// The application form.
pub const APPLY_PAGE: &str = "/applications/new";
/// Where the application form posts (multipart: it carries the documents).
pub const APPLY_SEND: &str = "/applications/send";
/// Where the counter's application form posts (multipart, like the family's).
pub const COUNTER_APPLY_SEND: &str = "/applications/counter/send";
/// Where a family adds a document to an open line (multipart).
pub const LINE_DOCUMENT_ADD: &str = "/applications/add-document";
/// A document given with an application: `/applications/documents/<id>`.
pub const LINE_DOCUMENT_FILES: &str = "/applications/documents";
/// An association's queue (the council's unrouted queue for the council admin).
pub const QUEUE_PAGE: &str = "/association/queue";
/// A line's detail: `/association/lines/<id>`.
pub const LINE_PAGE: &str = "/association/lines";
/// Households an association serves.
pub const FAMILIES_PAGE: &str = "/association/families";
/// A household's file as the association sees it (printable):
/// `/association/households/<id>`; `…/<id>/apply` is the counter application.
pub const HOUSEHOLD_FILE_PAGE: &str = "/association/households";
/// An application's receipt (printable): `/applications/receipts/<id>`.
pub const RECEIPT_PAGE: &str = "/applications/receipts";

// search
/// The acting association's household search (`?q=`: a name, national ID or phone).
pub const ASSOCIATION_SEARCH_PAGE: &str = "/association/search";
/// The council's household search.
pub const COUNCIL_SEARCH_PAGE: &str = "/council/search";

// continuity
/// An association's continuity lists: at risk, my cases, unassigned, due.
pub const CONTINUITY_PAGE: &str = "/association/continuity";
/// A household's case at the acting association: `/association/cases/<household id>`.
pub const CASE_PAGE: &str = "/association/cases";
/// A follow-up's visit form: `/association/follow-ups/<id>`.
pub const FOLLOW_UP_PAGE: &str = "/association/follow-ups";
/// The council's continuity weights and thresholds.
pub const CONTINUITY_RULES_PAGE: &str = "/council/continuity-rules";

// financing
/// The acting association's financing: lines to open a file for, its files.
pub const FINANCING_PAGE: &str = "/association/financing";
/// A financing file: `/association/financing/files/<id>`.
pub const FINANCING_FILE_PAGE: &str = "/association/financing/files";
/// The acting association's guarantee exposure and financing figures.
pub const FINANCING_EXPOSURE_PAGE: &str = "/association/financing/exposure";
/// The council's financing view, settings and limits.
pub const COUNCIL_FINANCING_PAGE: &str = "/council/financing";
/// The acting association's statements (repayments imported with a dry run).
pub const FINANCING_STATEMENTS_PAGE: &str = "/association/financing/statements";
/// `POST`: a statement's upload (multipart, works without JavaScript).
pub const FINANCING_STATEMENT_UPLOAD: &str = "/association/financing/statement-upload";
/// `POST`: a checklist document's upload (multipart: a PDF or a photo).
pub const FINANCING_DOCUMENT_UPLOAD: &str = "/association/financing/document-upload";
/// A stored checklist document: `/association/financing/documents/<id>`.
pub const FINANCING_DOCUMENT_FILES: &str = "/association/financing/documents";
/// The acting association's loan list as a file: `….csv` or `….xlsx`.
pub const FINANCING_LOANS_EXPORT: &str = "/association/financing/loans";
/// The council's financing figures per association as a file: `….csv` or `….xlsx`.
pub const COUNCIL_FINANCING_EXPORT: &str = "/council/financing/figures";
/// The family's loans.
pub const MY_LOANS_PAGE: &str = "/my-loans";

// reporting
/// The council's dashboard (`.csv` and `.xlsx` after it: the exports).
pub const COUNCIL_DASHBOARD_PAGE: &str = "/council/dashboard";
/// The acting association's dashboard (`.csv` and `.xlsx` after it: the exports).
pub const ASSOCIATION_DASHBOARD_PAGE: &str = "/association/dashboard";
/// The acting association's funder report (printable).
pub const ASSOCIATION_FUNDER_REPORT_PAGE: &str = "/association/funder-report";
/// The council's copy of an association's funder report.
pub const COUNCIL_FUNDER_REPORT_PAGE: &str = "/council/funder-report";
/// The council's partner tokens for the read-only API (`/api/v1/…`).
pub const PARTNERS_PAGE: &str = "/council/partners";

// marketplace
/// The marketplace home.
pub const MARKET_PAGE: &str = "/market";
/// Search results (GET form; every filter is in the URL).
pub const SEARCH_PAGE: &str = "/market/search";
/// A product: `/market/products/<id>`.
pub const PRODUCT_PAGE: &str = "/market/products";
/// A shop: `/market/shops/<id>`.
pub const SHOP_PAGE: &str = "/market/shops";
/// The family's shop and products.
pub const MY_SHOP_PAGE: &str = "/my-shop";
/// A product's editor: `/my-shop/products/<id>` (`new` for a new one).
pub const MY_PRODUCT_PAGE: &str = "/my-shop/products";
/// Photo upload of a product (multipart POST): `/my-shop/products/<id>/photos`.
pub const PHOTO_UPLOAD: &str = "/my-shop/products/{id}/photos";
/// "Order on WhatsApp": `/order/<product id>` counts a tap and redirects to wa.me.
pub const ORDER_ON_WHATSAPP: &str = "/order";
/// The basket's "send on WhatsApp": `/basket/order?lang=&shop=&items=id:quantity,…`
/// counts a tap per product and redirects to wa.me with the list.
pub const ORDER_BASKET: &str = "/basket/order";
/// Stored photos: `/photos/<key>-<width>.webp`.
pub const PHOTO_FILES: &str = "/photos";
/// Associations' logos (public, whatever the association's status).
pub const LOGO_FILES: &str = "/logos";
/// The moderators' review queue.
pub const MODERATION_PAGE: &str = "/association/moderation";

// training
/// The public course list.
pub const COURSES_PAGE: &str = "/courses";
/// A course's public page: `/courses/<id>`.
pub const COURSE_PAGE: &str = "/courses";
/// The family member's courses.
pub const MY_COURSES_PAGE: &str = "/my-courses";
/// A certificate (its owner's printable page): `/certificates/<code>`.
pub const CERTIFICATE_PAGE: &str = "/certificates";
/// The public verification of a certificate: `/verify/<code>`.
pub const VERIFY_PAGE: &str = "/verify";
/// The providers' dashboard.
pub const MANAGE_PAGE: &str = "/training";
/// A course's management page (sessions, roster, attendance): `/training/courses/<id>`.
pub const MANAGE_COURSE_PAGE: &str = "/training/courses";
/// The shared trainer registry.
pub const TRAINERS_PAGE: &str = "/training/trainers";
/// A course's roster as CSV: `/training/courses/<id>/roster.csv`.
pub const ROSTER_CSV: &str = "/training/courses/{id}/roster.csv";

// network
/// The council's list of associations.
pub const ASSOCIATIONS_PAGE: &str = "/council/associations";
/// The council's page of one association: `/council/associations/<id>` (`new` for a new one).
pub const ASSOCIATION_PAGE: &str = "/council/associations";
/// The council's assistance catalogue.
pub const CATALOGUE_PAGE: &str = "/council/catalogue";
// imports
/// An association's imports (list and upload): `?association=<id>`.
pub const IMPORTS_PAGE: &str = "/association/imports";
/// The upload of an import file (multipart POST).
pub const IMPORT_UPLOAD: &str = "/association/import-upload";
/// Import templates: `/association/import-templates/<kind>.<csv|xlsx>`.
pub const IMPORT_TEMPLATES: &str = "/association/import-templates";
/// An import's result file: `/association/import-results/<id>`.
pub const IMPORT_RESULTS: &str = "/association/import-results";

// data protection (the council's side)
/// The privacy notice in force (public; a returning family accepts a new version here).
pub const PRIVACY_NOTICE_PAGE: &str = "/privacy";
/// The breach register: `/data-protection/breaches/<id>` for one breach.
pub const BREACHES_PAGE: &str = "/data-protection/breaches";
/// The retention table and the job's recent runs.
pub const RETENTION_PAGE: &str = "/data-protection/retention";
/// The privacy notice's versions, and publishing a new one.
pub const NOTICE_VERSIONS_PAGE: &str = "/data-protection/notice";
