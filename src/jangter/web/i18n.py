"""Korean first, English too: the words of the pages, and how a request chooses its language."""

from __future__ import annotations

from starlette.requests import Request

LANGS = ("ko", "en")
LANG_COOKIE = "jangter_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("장터", "Jangter"),
    "site.tagline": ("공공조달 전자입찰", "Public e-procurement"),
    "nav.notices": ("입찰공고", "Bid notices"),
    "nav.my_bids": ("나의 입찰", "My bids"),
    "nav.agency": ("공고 관리", "Manage notices"),
    "nav.operator": ("업체 등록 심사", "Registrations"),
    "nav.register": ("업체 등록", "Register a firm"),
    "nav.login": ("로그인", "Sign in"),
    "nav.logout": ("로그아웃", "Sign out"),
    "nav.api": ("API 문서", "API docs"),
    "nav.skip": ("본문 바로가기", "Skip to content"),
    "lang.switch": ("English", "한국어"),
    "notice.number": ("공고번호", "Notice no."),
    "notice.title": ("공고명", "Title"),
    "notice.description": ("공고 내용", "Description"),
    "notice.category": ("분류", "Category"),
    "notice.method": ("계약방법", "Contract method"),
    "notice.agency": ("공고기관", "Issuing agency"),
    "notice.demand_agency": ("수요기관", "Demand agency"),
    "notice.region": ("참가제한지역", "Participation limited to"),
    "notice.base_amount": ("기초금액", "Base amount"),
    "notice.estimated_price": ("추정가격", "Estimated price"),
    "notice.a_value": ("A값 (공사)", "A value (works)"),
    "notice.reserve_range": ("예비가격 범위", "Preliminary-price range"),
    "notice.floor_rate": ("낙찰하한율", "Award floor rate"),
    "notice.bid_start": ("입찰 개시", "Bidding opens"),
    "notice.deadline": ("입찰 마감", "Bid deadline"),
    "notice.opening": ("개찰 일시", "Opening"),
    "notice.status": ("상태", "Status"),
    "notice.kind": ("공고 종류", "Notice kind"),
    "notice.published": ("게시 일시", "Published"),
    "notice.rule_set": ("적용 규칙", "Rules applied"),
    "notice.min_period": ("최소 공고기간", "Minimum announcement period"),
    "notice.round": ("입찰 회차", "Bidding round"),
    "notice.revisions": ("공고 이력 (차수)", "History (orders)"),
    "notice.bid_count": ("접수된 입찰서", "Bids received"),
    "notice.cancel_reason": ("취소 사유", "Reason for cancellation"),
    "notice.none": ("조건에 맞는 공고가 없습니다.", "No notices match."),
    "notice.days": ("일", "days"),
    "filter.search": ("검색", "Search"),
    "saved.title": ("나의 검색", "My searches"),
    "saved.explain": (
        "저장한 검색 조건입니다. 알림을 켜면 조건에 맞는 새 공고가 게시될 때 이메일로 알려 드립니다 (공고마다 한 번).",
        "Your saved searches. With the alert on, each new notice that matches is e-mailed to you, once.",
    ),
    "saved.save_as": ("이 조건 저장", "Save this search as"),
    "saved.alert_label": ("새 공고 이메일 알림", "E-mail me new notices"),
    "saved.save": ("저장", "Save"),
    "saved.saved": ("검색 조건을 저장했습니다.", "The search is saved."),
    "saved.deleted": ("검색 조건을 지웠습니다.", "The search is deleted."),
    "saved.name": ("이름", "Name"),
    "saved.alert": ("알림", "Alert"),
    "saved.sent": ("보낸 알림", "Alerts sent"),
    "saved.alert_on": ("알림 켜기", "Turn alert on"),
    "saved.alert_off": ("알림 끄기", "Turn alert off"),
    "saved.alert_is_on": ("켜짐", "on"),
    "saved.alert_is_off": ("꺼짐", "off"),
    "saved.delete": ("지우기", "Delete"),
    "saved.none": (
        "저장한 검색이 없습니다. 입찰공고에서 검색한 뒤 '이 조건 저장'을 누르십시오.",
        "No saved searches. Search the notices, then use 'Save this search as'.",
    ),
    "similar.title": ("비슷한 공고", "Similar notices"),
    "similar.explain": ("공고명에 같은 말이 들어 있는 공고입니다.", "Notices whose titles share words with this one."),
    "similar.degraded": (
        "검색 엔진이 지금 응답하지 않아, 같은 기관의 같은 분야 최신 공고를 보여 드립니다.",
        "The search engine is not answering right now: these are the newest notices of the same category from "
        "the same agency.",
    ),
    "similar.none": ("비슷한 공고가 없습니다.", "No similar notices."),
    "recommend.title": ("추천 공고", "Recommended notices"),
    "recommend.explain": (
        "귀사가 참가할 수 있는 진행 중 공고 가운데 입찰 이력·등록 분야·업종·지역에 맞는 것을 이유와 함께 "
        "보여 드립니다.",
        "Open notices your firm may take part in, matched to its bidding history, categories, licences and region, "
        "each with the reasons.",
    ),
    "recommend.none": ("지금 추천할 공고가 없습니다.", "Nothing to recommend right now."),
    "nav.searches": ("나의 검색", "My searches"),
    "nav.recommend": ("추천 공고", "Recommended"),
    "search.sort": ("정렬", "Sort"),
    "search.sort_default": ("기본 (검색어 있으면 관련도)", "Default (relevance with words)"),
    "search.sort_relevance": ("관련도순", "Relevance"),
    "search.sort_deadline": ("마감 임박순", "Deadline soonest"),
    "search.sort_newest": ("최신 공고순", "Newest"),
    "search.sort_amount": ("금액 큰 순", "Largest amount"),
    "search.more": ("상세 조건", "More filters"),
    "search.amount_min": ("기초금액 (원) 이상", "Base amount from (won)"),
    "search.amount_max": ("기초금액 (원) 이하", "Base amount up to (won)"),
    "search.deadline_from": ("마감일 부터", "Deadline from"),
    "search.deadline_to": ("마감일 까지", "Deadline to"),
    "search.published_from": ("게시일 부터", "Published from"),
    "search.published_to": ("게시일 까지", "Published to"),
    "search.degraded": (
        "검색 엔진이 지금 느리거나 응답하지 않아, 공고명과 기관명에서 찾은 간단한 결과를 보여 드립니다 (최신순). "
        "입찰과 개찰에는 영향이 없습니다.",
        "The search engine is slow or not answering right now, so these are simple results from titles and agency "
        "names (newest first). Bidding and openings are not affected.",
    ),
    "filter.query": ("공고명·공고번호·기관·내용", "Title, number, agency or text"),
    "filter.all": ("전체", "All"),
    "filter.apply": ("조회", "Search"),
    "page.next": ("다음 페이지", "Next page"),
    "page.first": ("처음으로", "First page"),
    "result.title": ("개찰 결과", "Opening result"),
    "review.title": ("적격심사", "Qualification review"),
    "review.explain": (
        "낙찰하한 이상·예정가격 이하의 유효 입찰을 낮은 금액부터 차례로 심사하여, 가격점수와 비가격 점수의 합이 "
        "통과 점수에 이르는 첫 입찰이 낙찰 예정자가 됩니다.",
        "Valid bids between the floor and the reserve price are reviewed from the lowest up; the first whose price "
        "score plus non-price points reaches the pass mark is the winner-to-be.",
    ),
    "review.price_score": ("가격점수", "Price score"),
    "review.pass_mark": ("통과 점수", "pass mark"),
    "review.non_price": ("비가격", "non-price"),
    "review.order": ("심사 순서", "Order"),
    "review.total": ("합계", "Total"),
    "review.save": ("점수 저장", "Save points"),
    "review.state_winner": ("통과 · 낙찰 예정", "Passed · winner-to-be"),
    "review.state_failed": ("미달 (다음 순위 심사)", "Below the pass mark (next bid reviewed)"),
    "review.state_next": ("심사 차례", "To be reviewed"),
    "review.state_waiting": ("대기", "Waiting"),
    "review.state_not_reached": ("심사 불요", "Not reached"),
    "notice.award_method": ("낙찰방법", "Award method"),
    "neg.title": ("협상에 의한 계약: 기술평가와 협상", "Negotiated contract: technical evaluation and negotiation"),
    "neg.explain": (
        "평가위원이 제안서를 항목별로 채점하고, 기술능력 배점의 기준 비율 이상인 업체만 협상적격자가 됩니다. "
        "기술평가를 마감한 뒤에 가격을 개찰하며, 기술점수와 가격점수의 합이 높은 순서로 협상합니다.",
        "Evaluators score each proposal item by item; only firms at or above the threshold share of the technical "
        "maximum are eligible. Prices are opened only after the technical evaluation is closed, and firms are "
        "negotiated with in order of technical plus price score.",
    ),
    "neg.weights": ("배점", "Points"),
    "neg.technical": ("기술", "technical"),
    "neg.price": ("가격", "price"),
    "neg.threshold": ("협상적격 기준", "eligibility threshold"),
    "neg.step": ("차등점수제 간격", "Differential step"),
    "neg.step_off": ("적용 안 함", "not applied"),
    "neg.ties_dense": ("동점은 같은 순위, 다음은 바로 다음 순위", "ties share a rank; the next takes the next rank"),
    "neg.ties_competition": ("동점은 같은 순위, 다음은 그 수만큼 건너뜀", "ties share a rank; the next skips as many"),
    "neg.trimmed": ("항목별 최고·최저 점수 제외", "each item's highest and lowest dropped"),
    "neg.items": ("기술평가 항목", "Technical items"),
    "neg.proposals": ("제출된 제안서", "Proposals submitted"),
    "neg.evaluators": ("평가위원 제출 현황", "Evaluators' sheets"),
    "neg.submitted": ("제출", "Submitted"),
    "neg.draft": ("작성 중", "Draft"),
    "neg.close": ("기술평가 마감", "Close the technical evaluation"),
    "neg.close_help": (
        "마감하면 평가표를 고칠 수 없고 기술점수가 공개 로그에 기록됩니다. 그 뒤 개찰시각에 가격을 개찰합니다.",
        "After the close no sheet can change and the technical scores go into the public log; the prices are then "
        "opened at the opening time.",
    ),
    "neg.min_evaluators": ("최소 평가위원", "Minimum evaluators"),
    "neg.rank": ("협상순위", "Negotiation rank"),
    "neg.raw": ("기술점수 (원점수)", "Technical (raw)"),
    "neg.differential": ("기술점수 (차등 적용)", "Technical (differential)"),
    "neg.eligible": ("협상적격", "Eligible"),
    "neg.not_eligible": ("기준 미달", "Below threshold"),
    "neg.price_score": ("가격점수", "Price score"),
    "neg.total": ("종합점수", "Total"),
    "neg.outcome": ("협상 결과", "Outcome"),
    "neg.agreed": ("협상 성립", "Agreed"),
    "neg.broken": ("협상 결렬", "Broken off"),
    "neg.next": ("협상 차례", "Next to negotiate"),
    "neg.record": ("협상 결과 기록", "Record the outcome"),
    "neg.note": ("내용 (결렬 시 사유 필수)", "Note (required when broken off)"),
    "neg.award_hint": ("협상이 성립되었습니다. 낙찰자를 결정하십시오.", "Agreed: confirm the award."),
    "neg.proposal": ("기술 제안서", "Technical proposal"),
    "neg.proposal_help": (
        "제안서는 봉인되지 않고 마감 후 공고기관의 평가위원만 열람합니다. 가격은 아래 입찰서로 봉인하여 제출하십시오. "
        "마감 전에는 다시 올려 바꿀 수 있습니다 (20 MB 이하).",
        "The proposal is not sealed; only the agency's evaluators read it, after the deadline. Seal your price with "
        "the bid below. You may replace the file until the deadline (at most 20 MB).",
    ),
    "neg.proposal_file": ("제안서 파일", "Proposal file"),
    "neg.proposal_upload": ("제안서 제출", "Submit the proposal"),
    "neg.proposal_yours": ("제출한 제안서", "Your proposal"),
    "neg.proposal_saved": ("제안서를 제출했습니다.", "The proposal is submitted."),
    "eval.title": ("제안서 평가", "Proposal evaluation"),
    "eval.queue": ("평가할 공고", "Notices to evaluate"),
    "eval.none": ("평가할 공고가 없습니다.", "Nothing to evaluate."),
    "eval.sheet": ("평가표", "Scoring sheet"),
    "eval.explain": (
        "제안서마다 항목별 점수를 입력하십시오. 다른 평가위원의 점수는 보이지 않습니다. 임시 저장은 언제든 고칠 수 "
        "있으나, 제출한 평가표는 고칠 수 없습니다.",
        "Enter each item's points for every proposal. Other evaluators' points are not shown. A saved draft can be "
        "changed; a submitted sheet cannot.",
    ),
    "eval.save": ("임시 저장", "Save draft"),
    "eval.submit": ("평가표 제출", "Submit the sheet"),
    "eval.saved": ("임시 저장했습니다.", "Draft saved."),
    "eval.submitted": ("평가표를 제출했습니다. 고칠 수 없습니다.", "The sheet is submitted and final."),
    "eval.firm": ("업체", "Firm"),
    "eval.sum": ("합계", "Sum"),
    "eval.download": ("내려받기", "Download"),
    "eval.closed": ("기술평가가 마감되었습니다.", "The technical evaluation is closed."),
    "eval.not_yet": ("제안서 마감 전입니다.", "The proposal deadline has not passed yet."),
    "nav.evaluator": ("제안서 평가", "Evaluation"),
    "nav.security": ("로그인 보안", "Sign-in security"),
    "nav.members": ("구성원", "Members"),
    "members.title": ("업체 구성원", "The firm's members"),
    "members.name": ("이름", "Name"),
    "members.roles": ("역할", "Roles"),
    "members.state": ("상태", "State"),
    "members.active": ("활동", "Active"),
    "members.left": ("떠남", "Left"),
    "members.remove": ("내보내기", "Remove"),
    "members.invite": ("구성원 초대", "Invite a colleague"),
    "members.invite_help": (
        "초대 메일의 주소에서 7일 안에 본인이 이름과 비밀번호를 정해 가입합니다.",
        "The colleague joins within 7 days from the link in the e-mail, choosing their own name and password.",
    ),
    "members.send": ("초대 메일 보내기", "Send the invitation"),
    "members.invited": ("{email} 에게 초대 메일을 보냈습니다.", "An invitation was sent to {email}."),
    "members.join": ("업체 구성원으로 가입", "Join your firm"),
    "members.join_explain": (
        "{org}에서 초대했습니다. 이름과 비밀번호를 정하십시오.",
        "{org} invites you. Choose your name and password.",
    ),
    "members.password_again": ("비밀번호 확인", "Password again"),
    "members.accept": ("가입", "Join"),
    "seclog.title": ("보안 기록", "Security log"),
    "seclog.explain": (
        "로그인 실패, 보안 확인(CSRF) 실패, 패스키 거부, 같은 PC·같은 IP에서의 다른 업체 입찰 등 신원과 관련된 "
        "거부와 경고를 누가·언제·어디서·무엇을 기준으로 보여 줍니다 (최근 200건).",
        "Refusals and flags about identity — failed sign-ins, failed security checks (CSRF), refused passkeys, "
        "bids by two firms from one device or address — with who, when, where and what (latest 200).",
    ),
    "seclog.kind": ("종류", "Kind"),
    "seclog.when": ("일시 (KST)", "When (KST)"),
    "seclog.what": ("무엇", "What"),
    "seclog.outcome": ("처리", "Outcome"),
    "seclog.who": ("누가", "Who"),
    "seclog.where": ("어디서 (IP · 기기)", "Where (IP · device)"),
    "seclog.subject": ("대상", "Subject"),
    "seclog.detail": ("내용", "Detail"),
    "seclog.refused": ("거부", "Refused"),
    "seclog.flagged": ("경고 (허용)", "Flagged (allowed)"),
    "seclog.none": ("기록이 없습니다.", "No events."),
    "security.title": ("로그인 보안: 패스키와 세션", "Sign-in security: passkeys and sessions"),
    "security.passkeys": ("패스키", "Passkeys"),
    "security.passkeys_help": (
        "패스키는 비밀번호 대신 이 기기의 지문·얼굴·PIN 확인으로 로그인합니다. 여러 기기에 등록할 수 있으며, "
        "서버에는 공개키만 저장됩니다.",
        "A passkey signs you in with this device's fingerprint, face or PIN instead of a password. Register one on "
        "each device you use; only a public key is stored here.",
    ),
    "security.name": ("이름", "Name"),
    "security.created": ("등록", "Registered"),
    "security.last_used": ("마지막 사용", "Last used"),
    "security.remove": ("지우기", "Remove"),
    "security.synced": ("여러 기기에 동기화됨", "synced across devices"),
    "security.no_passkeys": ("등록한 패스키가 없습니다.", "No passkey registered yet."),
    "security.new_name": ("새 패스키 이름", "Name of the new passkey"),
    "security.name_example": ("예: 사무실 노트북", "e.g. office laptop"),
    "security.add": ("패스키 등록", "Register a passkey"),
    "security.working": ("기기에서 확인을 진행하십시오…", "Follow your device's prompt…"),
    "security.failed": ("패스키 처리에 실패했습니다:", "The passkey step failed:"),
    "security.noscript": ("패스키 등록에는 JavaScript가 필요합니다.", "Registering a passkey needs JavaScript."),
    "security.needs_domain": (
        "패스키는 IP 주소가 아닌 도메인 주소에서만 쓸 수 있습니다 (예: http://localhost:8000).",
        "Passkeys work on a domain name, not an IP address (for example http://localhost:8000).",
    ),
    "security.sessions": ("로그인된 세션", "Signed-in sessions"),
    "security.sessions_help": (
        "이 계정으로 로그인된 브라우저와 API 토큰입니다. 모르는 세션은 끝내고 비밀번호를 바꾸십시오.",
        "Browsers and API tokens signed in to this account. End any you do not recognise and change your password.",
    ),
    "security.kind": ("종류", "Kind"),
    "security.kind_browser": ("브라우저", "Browser"),
    "security.kind_api": ("API 토큰", "API token"),
    "security.method": ("로그인 방법", "Signed in with"),
    "security.method_password": ("비밀번호", "Password"),
    "security.method_passkey": ("패스키", "Passkey"),
    "security.started": ("시작", "Started"),
    "security.seen": ("마지막 활동", "Last active"),
    "security.where": ("접속 위치", "From"),
    "security.this_one": ("지금 이 브라우저", "this browser"),
    "security.revoke": ("세션 끝내기", "End session"),
    "account.passkey_login": ("패스키로 로그인", "Sign in with a passkey"),
    "stepup.title": ("입찰 전 본인 확인", "Identity check before bidding"),
    "stepup.title_act": ("본인 확인 (패스키)", "Identity check (passkey)"),
    "seal.passkey_note": (
        "제출할 때 패스키(지문·얼굴·PIN)로 이 입찰서에 본인 서명을 합니다. 서명의 대상은 봉인된 입찰서의 해시입니다.",
        "On submitting, you sign this bid yourself with your passkey (fingerprint, face or PIN); what you sign is "
        "the sealed bid's hash.",
    ),
    "seal.passkey_signing": ("패스키로 입찰서에 서명하는 중…", "Signing the bid with your passkey…"),
    "receipt.person_signed": ("패스키로 본인 서명", "signed in person with a passkey"),
    "seal.err_passkey": ("패스키 서명이 취소되었거나 실패했습니다:", "The passkey signature was cancelled or failed:"),
    "stepup.explain": (
        "입찰서를 제출하려면 최근 {m}분 안에 이 기기에서 패스키(지문·얼굴·PIN)로 본인을 확인해야 합니다. "
        "다른 사람이 대신 입찰하는 것(대리입찰)을 막기 위한 절차입니다.",
        "To submit a bid you must have verified yourself with a passkey (fingerprint, face or PIN) on this device in "
        "the last {m} minutes. This stops anyone else from bidding in your name (proxy bidding).",
    ),
    "stepup.explain_act": (
        "개찰·낙찰자 결정·수의계약은 최근 {m}분 안에 패스키(지문·얼굴·PIN)로 본인을 확인한 뒤에 할 수 있습니다.",
        "Opening, awarding and private contracts need a passkey check (fingerprint, face or PIN) in the last {m} "
        "minutes.",
    ),
    "stepup.button": ("패스키로 본인 확인", "Verify with a passkey"),
    "stepup.noscript": ("본인 확인에는 JavaScript가 필요합니다.", "The identity check needs JavaScript."),
    "stepup.register": ("패스키 등록 · 관리", "Register or manage passkeys"),
    "stepup.fallback": ("패스키를 쓸 수 없을 때: 예외 확인", "No passkey at hand: the fallback"),
    "stepup.fallback_help": (
        "인증 앱의 6자리 코드나 복구 코드로 예외 확인을 할 수 있습니다. "
        "횟수가 제한되며 모든 사용이 보안 기록에 남습니다.",
        "A 6-digit code from your authenticator app, or a recovery code, allows an exception. It is limited, and "
        "every use is in the security log.",
    ),
    "stepup.fallback_button": ("예외 확인", "Use the fallback"),
    "fallback.otp_invalid": (
        "인증 코드가 맞지 않거나 만료되었습니다. 앱에 표시된 지금의 코드를 입력하십시오.",
        "The code is wrong or has expired; enter the code the app shows now.",
    ),
    "fallback.otp_not_enrolled": (
        "인증 앱을 등록하지 않았습니다. [로그인 보안]에서 등록하십시오.",
        "No authenticator app is enrolled; enrol one under Sign-in security.",
    ),
    "fallback.fallback_limit_reached": (
        "예외 확인 횟수를 모두 썼습니다. 패스키로 본인 확인하십시오.",
        "The fallback has been used as often as allowed; verify with a passkey.",
    ),
    "otp.title": ("인증 앱 (예외 확인용)", "Authenticator app (for the fallback)"),
    "otp.explain": (
        "패스키를 쓸 수 없을 때를 위한 예외 경로입니다. 1년에 {n}번까지, 한 번에 {h}시간 동안 입찰 전 본인 확인을 "
        "대신합니다.",
        "A fallback for when no passkey is at hand: up to {n} times a year, each standing in for the identity check "
        "for {h} hours.",
    ),
    "otp.start": ("인증 앱 등록 시작", "Enrol an authenticator app"),
    "otp.add_to_app": (
        "인증 앱(예: Google Authenticator)에 아래 키를 추가한 뒤, 앱에 표시된 6자리 코드를 입력하십시오.",
        "Add this key to your authenticator app (for example Google Authenticator), then enter the 6-digit code it "
        "shows.",
    ),
    "otp.code": ("6자리 코드", "6-digit code"),
    "otp.code_or_recovery": ("6자리 코드 또는 복구 코드", "6-digit code or recovery code"),
    "otp.confirm": ("등록 확인", "Confirm"),
    "otp.enrolled": ("인증 앱이 등록되어 있습니다", "An authenticator app is enrolled"),
    "otp.recovery": ("복구 코드 (한 번만 표시)", "Recovery codes (shown once)"),
    "otp.recovery_left": ("남은 복구 코드", "Recovery codes left"),
    "otp.used": ("올해 예외 확인", "Fallback uses this year"),
    "account.or": ("또는", "or"),
    "form.negotiated": ("협상에 의한 계약", "Negotiated contract"),
    "form.software": ("소프트웨어 사업 (기술 90 : 가격 10)", "Software project (technical 90 : price 10)"),
    "form.items_help": (
        "한 줄에 하나씩 '항목명: 배점'. 배점의 합은 기술능력 배점(80점, 소프트웨어 사업은 90점)과 같아야 합니다.",
        "One per line, 'name: points'. The points must add up to the technical maximum (80, or 90 for software).",
    ),
    "form.step_help": (
        "비워 두면 원점수를 씁니다. 최대 간격은 규칙 세트가 정합니다.",
        "Leave empty to use raw scores. The rule set caps the step.",
    ),
    "after.title": ("유찰 후 조치 (적용 규칙 기준)", "After the failed tender (under the rules in force)"),
    "after.rebid": ("재입찰", "Re-bid"),
    "after.rebid_help": (
        "같은 공고·같은 조건·같은 복수예비가격으로 새 회차를 엽니다 (재입찰 번호가 하나 늘어납니다).",
        "Opens a new round of the same notice with the same terms and preliminary prices (the re-bid number goes up).",
    ),
    "after.private": ("수의계약", "Private contract"),
    "after.private_help": (
        "원래 조건으로만 할 수 있습니다: 가격은 유찰된 회차의 예정가격(예정가격이 없으면 기초금액)을 넘을 수 없습니다.",
        "Only on the original terms: the price may not exceed the failed round's reserve price (or the base amount).",
    ),
    "result.private_contract": ("수의계약", "Private contract"),
    "result.contract_deposit": ("계약보증금 (낙찰일 기준)", "Contract deposit (rules of the award day)"),
    "result.verify": ("예정가격·낙찰하한가 직접 검증하기", "Recompute the reserve price and the floor yourself"),
    "log.title": ("공개 로그", "Public log"),
    "log.intro": (
        "공고 게시·정정·취소·마감, 입찰서 접수(해시만), 개찰과 낙찰이 모두 이 로그에 순서대로 기록됩니다. "
        "각 트리 헤드는 플랫폼 키로 서명되어, 기록이 나중에 바뀌거나 빠지면 누구나 알아낼 수 있습니다 "
        "(RFC 6962 방식의 머클 트리).",
        "Every notice published, amended, cancelled and closed, every bid received (its hash only), every opening "
        "and award is recorded here in order. Each tree head is signed with the platform key, so anyone can tell if "
        "a record is later changed or removed (an RFC 6962-style Merkle tree).",
    ),
    "log.key": ("플랫폼 공개키 (Ed25519)", "Platform public key (Ed25519)"),
    "log.size": ("기록 수", "Entries"),
    "log.pending": ("다음 트리 헤드를 기다리는 기록", "Waiting for the next tree head"),
    "log.heads": ("서명된 트리 헤드 (최신순)", "Signed tree heads (newest first)"),
    "log.entries": ("최근 기록", "Latest entries"),
    "log.root": ("루트 해시", "Root hash"),
    "log.time": ("시각", "Time"),
    "log.signature": ("서명", "Signature"),
    "log.index": ("번호", "Index"),
    "log.event": ("사건", "Event"),
    "log.subject": ("대상", "Subject"),
    "log.leaf": ("기록 해시", "Leaf hash"),
    "log.empty": ("아직 서명된 트리 헤드가 없습니다.", "No signed tree head yet."),
    "log.check": (
        "확인하는 방법: 로그를 내려받아 모든 트리 헤드와 기록을 다시 계산하십시오. 데이터베이스가 필요 없습니다.",
        "How to check: download the log and recompute every tree head and record; no database needed.",
    ),
    "draw.title": ("개찰 검증", "Check the opening"),
    "draw.intro": (
        "이 페이지는 공개 로그에 기록된 값만으로 개찰을 다시 계산합니다: 공고 때 기록한 예비가격 약속값, 개찰 때 "
        "공개한 예비가격과 난수, 모든 입찰서의 해시, 개봉된 금액과 추첨번호, 그리고 규칙 세트.",
        "This page recomputes the opening from the public log alone: the commitment logged at publication, the "
        "prices and nonce revealed at the opening, every sealed bid's hash, the opened amounts and picks, and the "
        "rule set.",
    ),
    "draw.all_ok": ("모든 단계가 공개된 값과 일치합니다.", "Every step recomputes to the published value."),
    "draw.failed": (
        "공개된 값과 다른 단계가 있습니다. 이 공고의 개찰 결과를 신뢰하지 마시고 조달청에 신고하십시오.",
        "A step differs from the published value: do not rely on this opening and report it.",
    ),
    "draw.step": ("단계", "Step"),
    "draw.formula": ("계산식", "Formula"),
    "draw.published": ("공개된 값", "Published"),
    "draw.recomputed": ("재계산 값", "Recomputed"),
    "draw.match": ("일치", "Match"),
    "draw.yes": ("일치", "yes"),
    "draw.no": ("불일치", "NO"),
    "draw.interval_prices": ("구간 순서의 예비가격 (약속된 값)", "Prices in interval order (as committed)"),
    "draw.slot_prices": ("번호별 예비가격 (배치 후)", "Price in each slot (after the permutation)"),
    "draw.offline": (
        "서버를 믿지 않아도 됩니다: 로그를 내려받아 (/api/v1/log/export) 다음 명령으로 같은 계산을 하십시오.",
        "You need not trust this server: download the log (/api/v1/log/export) and run the same computation:",
    ),
    "draw.not_available": (
        "아직 예비가격이 공개된 개찰이 없습니다 (개찰 전이거나, 유효 입찰이 모자라 가격을 열지 않았습니다).",
        "No opening of this notice has revealed its prices yet (not opened, or too few valid bids to open them).",
    ),
    "result.round": ("회차", "Round"),
    "result.opened_at": ("개찰 일시", "Opened at"),
    "result.reserve_price": ("예정가격", "Reserve price"),
    "result.floor_price": ("낙찰하한가", "Award floor price"),
    "result.bids": ("입찰 결과", "Bids"),
    "result.rank": ("순위", "Rank"),
    "result.firm": ("업체명", "Firm"),
    "result.brn": ("사업자등록번호", "Business no."),
    "result.ceo": ("대표자", "Representative"),
    "result.amount": ("입찰금액", "Bid amount"),
    "result.rate": ("투찰률(%)", "Bid rate (%)"),
    "result.picks": ("추첨번호", "Picks"),
    "result.time": ("투찰 일시", "Submitted"),
    "result.remark": ("비고", "Remark"),
    "result.prices": ("복수예비가격", "Preliminary prices"),
    "result.slot": ("번호", "Slot"),
    "result.price": ("예비가격", "Price"),
    "result.count": ("선택 횟수", "Times picked"),
    "result.drawn": ("추첨", "Drawn"),
    "result.failed": ("유찰", "Failed"),
    "result.winner": ("낙찰", "Awarded"),
    "result.provisional": ("낙찰 예정", "Winner to be confirmed"),
    "result.seed": ("추첨 시드 (누구나 재계산 가능)", "Draw seed (anyone can recompute)"),
    "result.tie_broken": (
        "선택 횟수 동률을 규칙에 따라 정리함",
        "A tie in pick counts was broken by the rule",
    ),
    "result.hash": ("내용 해시", "Content hash"),
    "result.sealed": ("개봉하지 않음", "Not opened"),
    "result.recompute": (
        "예정가격 = 추첨된 4개 예비가격의 산술평균",
        "Reserve price = mean of the 4 drawn prices",
    ),
    "bid.form": ("입찰서 제출", "Submit a bid"),
    "bid.amount": ("입찰금액 (원)", "Bid amount (won)"),
    "bid.picks": ("예비가격 추첨번호 (2개 선택)", "Preliminary-price slots (choose 2)"),
    "bid.picks_help": (
        "15개 번호 중 2개를 고르십시오. 번호에 해당하는 가격은 개찰 때 공개됩니다.",
        "Choose 2 of the 15 slots. The prices behind them are revealed at the opening.",
    ),
    "bid.sealed_note": (
        "제출한 입찰서의 금액과 추첨번호는 개찰 전까지 누구에게도(본인 포함) 표시되지 않습니다.",
        "Nobody, you included, sees the amount or picks of a bid before the opening.",
    ),
    "bid.submit": ("입찰서 제출", "Submit bid"),
    "seal.explain": (
        "입찰금액과 추첨번호는 이 브라우저에서 개찰 키로 암호화(봉인)되고 업체 서명키로 서명된 뒤 전송됩니다. "
        "서버와 운영자를 포함해 누구도 개찰 전에는 볼 수 없습니다.",
        "The amount and picks are encrypted (sealed) to the opening key in this browser and signed "
        "with your firm's key before they are sent. Nobody, the server and its operators included, "
        "can read them before the opening.",
    ),
    "seal.fingerprint": ("개찰 키 지문", "Opening key fingerprint"),
    "seal.keyfile": ("업체 서명키 파일 (.pem)", "Firm signing key file (.pem)"),
    "seal.keyfile_help": (
        "업체 관리자가 등록한 서명키입니다. 파일은 이 컴퓨터 밖으로 나가지 않습니다.",
        "The signing key your company administrator registered. The file never leaves this computer.",
    ),
    "seal.err_amount": (
        "금액은 1원 이상의 정수(원 단위)로 입력하십시오.",
        "The amount must be a positive whole number of won.",
    ),
    "seal.err_picks": ("예비가격 추첨번호를 2개 선택하십시오.", "Choose exactly 2 preliminary-price slots."),
    "seal.err_key": ("업체 서명키 파일을 선택하십시오.", "Choose your firm's signing key file."),
    "seal.err_fingerprint": (
        "공고의 개찰 키가 공고된 지문과 다릅니다. 제출하지 않았습니다. 관리자에게 알리십시오.",
        "The notice's opening key does not match its published fingerprint; nothing was sent. Report this.",
    ),
    "seal.err_seal": (
        "봉인하지 못했습니다. 서명키 파일을 확인하십시오.",
        "The bid could not be sealed; check the key file.",
    ),
    "seal.sealing": ("봉인 중…", "Sealing…"),
    "seal.sent": ("봉인했습니다. 제출 중…", "Sealed. Sending…"),
    "seal.noscript": (
        "입찰서는 브라우저에서 봉인되므로 JavaScript가 필요합니다. 또는 `jangter bid seal` 명령을 사용하십시오.",
        "Bids are sealed in your browser, which needs JavaScript; or use the `jangter bid seal` command.",
    ),
    "seal.cli": ("명령줄로 봉인하기 (API 이용자)", "Seal from the command line (API users)"),
    "bid.receipt": ("입찰서 접수증", "Bid receipt"),
    "bid.receipt_id": ("접수번호", "Receipt no."),
    "bid.received_at": ("접수 일시", "Received at"),
    "bid.hash": ("내용 해시 (SHA-256)", "Content hash (SHA-256)"),
    "receipt.signature": ("플랫폼 서명", "Platform signature"),
    "receipt.log": ("공개 로그", "Public log"),
    "receipt.logged": ("기록됨: 번호", "Recorded as entry"),
    "receipt.pending": (
        "몇 초 안에 공개 로그에 기록됩니다. 새로 고치면 기록 번호와 포함 증명이 나타납니다.",
        "The public log records it within seconds; reload to see its entry number and inclusion proof.",
    ),
    "receipt.download": ("접수증 내려받기 (검증용 JSON)", "Download the receipt (JSON, to verify)"),
    "bid.keep": (
        "이 접수증을 보관하십시오. 내용 해시로 제출 내용을 증명할 수 있습니다.",
        "Keep this receipt: the content hash proves what you submitted.",
    ),
    "bid.mine": ("나의 입찰", "My bids"),
    "bid.none": ("아직 제출한 입찰서가 없습니다.", "You have not submitted any bids yet."),
    "bid.status": ("입찰서 상태", "Bid status"),
    "bid.result": ("결과", "Result"),
    "bid.open_for_bids": ("입찰 가능", "Open for bids"),
    "bid.go": ("입찰하기", "Bid"),
    "bid.already": ("이미 입찰함", "Already bid"),
    "agency.notices": ("우리 기관 공고", "Our notices"),
    "agency.new": ("새 공고 작성", "New notice"),
    "agency.edit": ("공고 수정", "Edit notice"),
    "agency.save_draft": ("임시 저장", "Save draft"),
    "agency.publish": ("공고 게시", "Publish"),
    "agency.amend": ("정정공고", "Amend"),
    "agency.cancel": ("공고 취소", "Cancel notice"),
    "agency.reannounce": ("재공고", "Re-announce"),
    "agency.open": ("개찰", "Open bids"),
    "agency.award": ("낙찰자 결정", "Confirm award"),
    "agency.reason": ("사유", "Reason"),
    "agency.actions": ("처리", "Actions"),
    "agency.opening_page": ("개찰 화면", "Opening"),
    "agency.open_help": (
        "개찰하면 입찰서가 개봉되고 예정가격이 추첨됩니다. 되돌릴 수 없습니다.",
        "Opening unseals every bid and draws the reserve price. It cannot be undone.",
    ),
    "agency.optional": ("(선택) 비우면 규칙 세트 값을 적용", "(optional) blank: the rule set's value"),
    "agency.kst": ("한국 시간 (KST)", "Korea time (KST)"),
    "agency.deadline_help": ("근무일 10:00~17:00 정시", "On the hour, 10:00-17:00, working days"),
    "agency.demand_same": ("공고기관과 같음", "Same as the issuing agency"),
    "agency.confirm_publish": (
        "게시하면 기초금액·분류 등은 바꿀 수 없습니다.",
        "Once published, amounts and category cannot change.",
    ),
    "committee.help": (
        "개찰위원 {n}명 중 {k}명이 함께 각자의 비밀번호와 개찰 암호를 입력해야 개찰 키가 복원됩니다. "
        "분할키와 복원된 키는 저장되지 않습니다.",
        "{k} of the {n} committee members enter their own password and opening passphrase together; "
        "only then is the opening key rebuilt. No share and no key is ever stored.",
    ),
    "committee.member": ("개찰위원", "Committee member"),
    "committee.passphrase": ("개찰 암호", "Opening passphrase"),
    "committee.code": ("인증 앱 코드 (패스키가 없을 때)", "Authenticator code (without a passkey)"),
    "committee.verify": ("이 위원의 패스키로 확인", "Verify with this member's passkey"),
    "committee.verify_help": (
        "위원 본인이 자기 보안키나 휴대전화로 확인합니다. 패스키가 없으면 인증 앱 코드를 입력합니다 (예외 확인으로 "
        "기록되고 횟수가 제한됩니다).",
        "Each member verifies with their own security key or phone. Without a passkey, enter a code from their "
        "authenticator app (recorded as a fallback, which is limited).",
    ),
    "committee.verified": ("확인되었습니다.", "Verified."),
    "committee.verifying": ("위원의 패스키를 기다립니다…", "Waiting for the member's passkey…"),
    "committee.verify_failed": ("확인하지 못했습니다.", "The check failed."),
    "committee.legend": ("개찰위원과 봉인", "Opening committee and sealing"),
    "committee.split_help": (
        "개찰키는 개찰위원 n명에게 나뉘어 보관되고, 그중 k명이 함께 있어야 개찰할 수 있습니다 (기본 5명 중 3명).",
        "The opening key is split among n committee members; k of them together are needed to open (default 3 of 5).",
    ),
    "committee.quorum": ("개찰에 필요한 위원 수 (k)", "Members needed to open (k)"),
    "committee.size": ("개찰위원 수 (n)", "Committee members (n)"),
    "committee.pq": ("양자내성 봉인 (API)", "Post-quantum sealing (API)"),
    "committee.pq_yes": ("허용", "Allowed"),
    "committee.pq_no": ("허용하지 않음", "Not allowed"),
    "committee.key": ("개찰위원 키", "Committee key"),
    "committee.key_help": (
        "공고가 게시될 때 개찰 키의 분할키가 이 키로 봉인되어 귀하에게 배정됩니다. 개찰 암호는 서버에 저장되지 않으며, "
        "잊으면 복구할 수 없습니다(새 키는 이후 공고부터 쓰입니다).",
        "When a notice is published, your share of its opening key is sealed to this key. The "
        "passphrase is not stored anywhere; if you forget it, it cannot be recovered (a new key "
        "serves notices published afterwards).",
    ),
    "committee.make": ("개찰위원 키 만들기", "Make my committee key"),
    "committee.made": ("개찰위원 키를 만들었습니다.", "Your committee key is ready."),
    "keys.title": ("업체 서명키", "Firm signing keys"),
    "keys.help": (
        "입찰서는 업체 서명키로 서명됩니다. '이 브라우저에서 서명키 만들기'를 누르면 키 파일(.pem)이 이 컴퓨터에 "
        "저장되고 공개키가 아래에 채워집니다. 개인키는 서버로 보내지 않습니다. 키 파일은 입찰 담당자와 안전하게 "
        "나누고, 공개키를 등록하십시오.",
        "Bids are signed with the firm's signing key. 'Make a signing key in this browser' saves the key file (.pem) "
        "on this computer and fills in the public key below; the private key is never sent. Share the key file "
        "safely with your bid staff, then register the public key.",
    ),
    "keys.generate": ("이 브라우저에서 서명키 만들기", "Make a signing key in this browser"),
    "keys.generating": ("키를 만드는 중…", "Making the key…"),
    "keys.generated": (
        "키 파일을 저장했습니다. 공개키를 확인하고 [등록]을 누르십시오.",
        "The key file is saved. Check the public key and press Register.",
    ),
    "keys.generate_failed": ("키를 만들지 못했습니다.", "The key could not be made."),
    "keys.cli": (
        "명령줄에서 만들 수도 있습니다 (공개키가 함께 출력됩니다):",
        "Or make it on the command line (it prints the public key):",
    ),
    "keys.public": ("공개키 (base64)", "Public key (base64)"),
    "keys.add": ("등록", "Register"),
    "keys.revoke": ("폐기", "Revoke"),
    "keys.none": ("등록된 서명키가 없습니다.", "No signing key is registered."),
    "operator.firms": ("업체 등록 심사", "Firm registrations"),
    "operator.approve": ("승인", "Approve"),
    "operator.hold": ("보류", "Hold"),
    "operator.reject": ("반려", "Reject"),
    "operator.none": ("심사를 기다리는 업체가 없습니다.", "No registrations are waiting."),
    "audit.title": ("감사 기록", "Audit trail"),
    "audit.explain": (
        "모든 변경이 누가, 언제, 무엇을, 이전 값과 이후 값으로 남습니다. 봉인된 입찰 내용은 기록에 없습니다 (해시만).",
        "Every change is here: who, when, what, with the values before and after. Sealed bid content never is (only "
        "its hash).",
    ),
    "audit.entity_type": ("대상 종류", "Object type"),
    "audit.entity_id": ("대상 번호", "Object id"),
    "audit.action": ("행위", "Action"),
    "audit.entity": ("대상", "Object"),
    "audit.change": ("변경", "Change"),
    "audit.older": ("이전 기록", "Older records"),
    "audit.none": ("조건에 맞는 기록이 없습니다.", "No records match."),
    "nav.audit": ("감사", "Audit"),
    "register.title": ("조달업체 등록 신청", "Register a supplier firm"),
    "register.firm": ("업체 정보", "Firm"),
    "register.admin": ("업체 관리자 계정", "Company administrator account"),
    "register.name": ("상호", "Firm name"),
    "register.brn": ("사업자등록번호", "Business registration no."),
    "register.corp": ("법인등록번호 (법인만)", "Corporate registration no. (corporations)"),
    "register.form": ("사업자 구분", "Legal form"),
    "register.proprietor": (
        "대표자 주민등록번호 (개인사업자만)",
        "Proprietor's resident registration no. (sole proprietors)",
    ),
    "register.proprietor_hint": (
        "한 사람이 개인사업자로 한 업체만 등록할 수 있는지 확인하는 데만 씁니다. 번호 자체는 저장하지 않습니다.",
        "Used only to check that one person registers one firm as a sole proprietor; the number itself is not stored.",
    ),
    "register.head_office": ("본사 소재지", "Head office region"),
    "register.supplies": ("공급 분야 (입찰참가자격)", "Categories you bid for"),
    "register.supply_regions": ("공급 지역", "Regions you supply"),
    "register.licences": ("보유 업종 (면허·등록)", "Licences held"),
    "register.licences_hint": (
        "업종코드 4자리, 업종명, 등록번호. 빈 줄은 무시합니다.",
        "4-digit industry code, its name and the licence number. Empty rows are ignored.",
    ),
    "register.licence_code": ("업종코드", "Industry code"),
    "register.licence_name": ("업종명", "Licence"),
    "register.licence_number": ("등록번호", "Licence no."),
    "register.ceo": ("대표자", "Representative"),
    "register.address": ("주소", "Address"),
    "register.submit": ("등록 신청", "Apply"),
    "register.done": (
        "등록 신청을 받았습니다. 조달청의 심사 후 입찰에 참가할 수 있습니다.",
        "Your application was received. You can bid once the operator approves it.",
    ),
    "account.email": ("이메일", "E-mail"),
    "account.password": ("비밀번호", "Password"),
    "account.name": ("이름", "Name"),
    "account.login": ("로그인", "Sign in"),
    "account.signed_in_as": ("로그인:", "Signed in as"),
    "account.demo": ("데모 계정", "Demo accounts"),
    "demo.clock": ("데모 시계", "Demo clock"),
    "demo.clock_help": (
        "데모에서는 시계를 앞으로 돌려 마감과 개찰을 바로 볼 수 있습니다.",
        "In the demo you can move the clock forward to reach deadlines and openings.",
    ),
    "demo.move": ("이동", "Move"),
    "demo.to_deadline": ("마감 시각 이후로 이동", "Jump past the deadline"),
    "demo.to_opening": ("개찰 시각으로 이동", "Jump to the opening time"),
    "demo.reset": ("실제 시각으로", "Back to real time"),
    "form.errors": ("입력 내용을 확인하십시오.", "Please check the highlighted fields."),
    "form.required": ("필수", "required"),
    "common.yes": ("예", "Yes"),
    "common.no": ("아니요", "No"),
    "common.back": ("돌아가기", "Back"),
    "common.detail": ("상세", "Details"),
    "common.won": ("원", "won"),
    "error.title": ("요청을 처리할 수 없습니다", "The request could not be completed"),
    "error.not_found": ("페이지를 찾을 수 없습니다", "Page not found"),
}


def choose_lang(request: Request) -> str:
    """``?lang=`` beats the cookie; the default is Korean."""
    query = request.query_params.get("lang")
    if query in LANGS:
        return query
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else "ko"


def api_lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "ko"


def translate(key: str, lang: str) -> str:
    ko, en = MESSAGES.get(key, (key, key))
    return en if lang == "en" else ko


def label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]
