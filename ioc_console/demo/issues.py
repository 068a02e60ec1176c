"""What citizens report, per category: the problems, how people describe them, what agencies do.

Every :class:`Issue` is one kind of problem with several ways to state it. Templates take these slots:

* ``{at}``: where, as a locative phrase ("trên đường Ngô Gia Tự, đoạn gần chợ Phan Rang");
* ``{name}``: the place named alone ("đường Ngô Gia Tự");
* ``{when}``: the time of day of the report ("sáng nay", "tối qua");
* ``{dur}``: how long it has lasted ("mấy ngày nay");
* in results, ``{local}`` (the local committee or the neighbourhood board), ``{date}`` (when it was
  done, d/m/yyyy), ``{fine}`` (an administrative fine) and ``{fine_total}`` (fines of several cases).

A category of the jurisdiction is matched to one of the kinds below by its code or name, so a pack
with other codes still gets fitting texts; an unknown category falls back to daily-life matters.
"""

from __future__ import annotations

from dataclasses import dataclass

from ioc_console.domain.jurisdiction import Category
from ioc_console.domain.text import fold

KINDS = (
    "construction",
    "sanitation",
    "infrastructure",
    "traffic",
    "order",
    "tourism",
    "officials",
    "daily",
)

#: How often each kind of report comes in (the source's mix: sanitation and infrastructure lead).
KIND_WEIGHTS = {
    "construction": 11.0,
    "sanitation": 21.0,
    "infrastructure": 20.0,
    "traffic": 13.0,
    "order": 12.0,
    "tourism": 4.0,
    "officials": 4.0,
    "daily": 15.0,
}

_KIND_KEYWORDS = (
    ("officials", ("can bo", "cong chuc", "thu tuc hanh chinh", "official", "phien ha")),
    ("tourism", ("du lich", "touris")),
    ("construction", ("xay dung", "construction")),
    ("sanitation", ("moi truong", "ve sinh", "environment", "sanitation")),
    ("infrastructure", ("ha tang", "infrastructure", "do thi")),
    ("traffic", ("giao thong", "traffic")),
    ("order", ("trat tu", "an ninh", "social order", "order")),
    ("daily", ("dan sinh", "daily", "khac", "other")),
)


def kind_of(category: Category) -> str:
    """Which kind of texts fits ``category`` ("daily" when nothing matches)."""
    haystack = f"{fold(category.code)} {fold(category.name)} {fold(category.name_en)}"
    for kind, words in _KIND_KEYWORDS:
        if any(word in haystack for word in words):
            return kind
    return "daily"


@dataclass(frozen=True)
class Issue:
    key: str
    kind: str
    #: Short title for the queue: "{title} {at-short}".
    title: str
    #: Landmark tags that fit the problem (a beach, a market...).
    tags: frozenset[str]
    core: tuple[str, ...]
    angry: tuple[str, ...]
    effect: tuple[str, ...]
    ask: tuple[str, ...]
    #: (what the agency did, the outcome) pairs for the result.
    results: tuple[tuple[str, str], ...]
    #: "street" (a spot), "landmark" (only where a landmark with one of ``tags`` is), "area" (a
    #: neighbourhood), "office" (an administration's desk).
    site: str = "street"
    #: Chance the IOC raises the priority (hazards).
    urgent: float = 0.0
    #: Chance the citizen attaches photos.
    photo: float = 0.5
    #: The agency that really handles it when routing by category is not enough: "committee" (the
    #: nearest people's committee) or "<kind>:<folded fragment of its name>", e.g. "utility:cap nuoc".
    agency_hint: str = ""
    weight: float = 1.0
    #: The problem is an event of the moment (uses {when}) rather than a lasting state ({dur}).
    event: bool = False
    #: "urban" (wards and townships only), "rural" (communes and townships only) or "" (anywhere).
    setting: str = ""


def _issue(
    key: str,
    kind: str,
    title: str,
    tags: str,
    core: tuple[str, ...],
    angry: tuple[str, ...],
    effect: tuple[str, ...],
    ask: tuple[str, ...],
    results: tuple[tuple[str, str], ...],
    **options: object,
) -> Issue:
    return Issue(key, kind, title, frozenset(tags.split()), core, angry, effect, ask, results, **options)  # type: ignore[arg-type]


ISSUES: tuple[Issue, ...] = (
    # ------------------------------------------------------------------------------ construction
    _issue(
        "unpermitted-building",
        "construction",
        "Xây dựng không phép",
        "",
        (
            "Có hộ dân đang xây dựng nhà {at} nhưng không thấy treo biển báo công trình, nghi là xây dựng không phép",
            "Một công trình {at} đang thi công cơi nới thêm tầng, xây vượt số tầng so với giấy phép",
            "Hộ gia đình {at} đang xây nhà lấn ra phần hành lang an toàn đường bộ",
            "{At} có người đang đổ móng xây nhà trên đất nông nghiệp, chưa chuyển mục đích sử dụng đất",
        ),
        (
            "Xây nhà không phép rầm rầm {at} mà không ai xử lý là sao???",
            "{Name} xây lấn ra tận lề đường rồi, chính quyền có biết không vậy",
            "Xây trái phép ngang nhiên giữa ban ngày {at}, ai chịu trách nhiệm đây",
        ),
        (
            "Việc này làm mất mỹ quan đô thị và gây bức xúc cho các hộ xung quanh",
            "Nếu không xử lý sớm thì các hộ khác sẽ làm theo",
            "Nhà hàng xóm bị nứt tường do thi công không che chắn",
        ),
        (
            "Đề nghị cơ quan chức năng kiểm tra giấy phép xây dựng và xử lý theo quy định",
            "Đề nghị kiểm tra, đình chỉ thi công nếu công trình sai phép",
        ),
        (
            (
                "chỉ đạo bộ phận quản lý trật tự xây dựng phối hợp với {local} kiểm tra hiện trường",
                "công trình đã được cấp giấy phép xây dựng nhưng chủ nhà xây mái che vượt chỉ giới; đã lập biên bản, yêu cầu tháo dỡ và đến {date} chủ nhà đã tháo dỡ xong",
            ),
            (
                "lập biên bản vi phạm hành chính về trật tự xây dựng và đình chỉ thi công công trình",
                "chủ công trình bị xử phạt {fine} đồng và buộc khôi phục lại tình trạng ban đầu",
            ),
            (
                "kiểm tra hồ sơ cấp phép của công trình",
                "công trình xây dựng đúng giấy phép được cấp, không có vi phạm như nội dung phản ánh",
            ),
        ),
        weight=1.4,
    ),
    _issue(
        "materials-on-road",
        "construction",
        "Tập kết vật liệu xây dựng lấn chiếm lòng đường",
        "",
        (
            "Cát, đá, gạch xây dựng được đổ tràn ra lòng đường {at}",
            "Một công trình {at} tập kết vật liệu xây dựng chiếm gần nửa mặt đường, ban đêm không có đèn cảnh báo",
            "Xà bần, vật liệu thừa của công trình {at} để ngổn ngang trên vỉa hè",
        ),
        (
            "Cát đá đổ tràn {at}, tối qua có người té xe rồi đó!!!",
            "Đổ vật liệu chiếm hết đường đi {at}, dân đi lại kiểu gì",
        ),
        (
            "Người đi xe máy buổi tối rất dễ bị té ngã",
            "Trời gió cát bay vào nhà dân xung quanh",
            "Xe cộ phải né ra giữa đường rất nguy hiểm",
        ),
        (
            "Đề nghị yêu cầu chủ công trình thu dọn và che chắn",
            "Đề nghị kiểm tra, xử lý việc lấn chiếm lòng đường",
        ),
        (
            (
                "cử cán bộ kiểm tra hiện trường và làm việc với chủ công trình",
                "chủ công trình đã thu dọn toàn bộ vật liệu, cam kết không tái phạm",
            ),
            (
                "lập biên bản vi phạm về sử dụng tạm thời lòng đường trái phép",
                "đã xử phạt {fine} đồng; vật liệu đã được dọn dẹp, trả lại mặt bằng vào {date}",
            ),
        ),
        urgent=0.15,
        photo=0.7,
    ),
    _issue(
        "construction-nuisance",
        "construction",
        "Công trình thi công gây bụi, tiếng ồn",
        "",
        (
            "Công trình {at} thi công cả ban đêm, máy trộn bê tông chạy đến 23 giờ",
            "Công trình xây dựng {at} không che chắn, bụi bay mù mịt vào nhà dân",
            "Xe chở vật liệu ra vào công trình {at} làm rơi vãi đất cát khắp mặt đường",
        ),
        (
            "Thi công ầm ầm tới 11 giờ đêm {at}, ai mà ngủ được!",
            "Bụi quá trời {at}, công trình không che chắn gì hết",
        ),
        (
            "Trẻ nhỏ và người già trong khu vực bị ảnh hưởng sức khỏe",
            "Người dân không thể nghỉ ngơi",
        ),
        (
            "Đề nghị yêu cầu công trình che chắn và không thi công vào giờ nghỉ",
            "Mong cơ quan chức năng nhắc nhở chủ đầu tư",
        ),
        (
            (
                "làm việc với chủ đầu tư và đơn vị thi công",
                "đơn vị thi công đã lắp lưới che chắn, bố trí tưới nước giảm bụi và cam kết không thi công sau 22 giờ",
            ),
            (
                "kiểm tra, lập biên bản nhắc nhở đơn vị thi công",
                "từ {date} công trình đã chấp hành đúng giờ thi công theo quy định",
            ),
        ),
        event=True,
    ),
    _issue(
        "encroach-canal",
        "construction",
        "Lấn chiếm đất công, bờ kênh",
        "river lake",
        (
            "Có người xây tường rào lấn chiếm đất công {at}",
            "Một số hộ dân dựng lán trại, chuồng trại lấn chiếm bờ kênh {at}",
            "Khu đất công {at} bị rào lại để làm bãi giữ xe thu tiền",
        ),
        ("Đất công {at} bị chiếm hết rồi, chính quyền làm ngơ à?",),
        (
            "Dòng chảy bị thu hẹp, mùa mưa nước tràn vào nhà dân",
            "Đất công bị chiếm dụng gây bất bình trong nhân dân",
        ),
        ("Đề nghị kiểm tra, buộc tháo dỡ và trả lại hiện trạng",),
        (
            (
                "phối hợp với {local} kiểm tra, đo đạc hiện trạng sử dụng đất",
                "xác định các hộ đã lấn chiếm khoảng 40 m² đất công; đã lập biên bản và buộc tháo dỡ, đến {date} các hộ đã tự tháo dỡ",
            ),
            (
                "kiểm tra hồ sơ địa chính khu đất",
                "phần đất trên thuộc quyền sử dụng hợp pháp của hộ gia đình, không phải đất công",
            ),
        ),
        weight=0.6,
    ),
    # ------------------------------------------------------------------------------- sanitation
    _issue(
        "garbage-uncollected",
        "sanitation",
        "Rác thải tồn đọng không được thu gom",
        "market crowd",
        (
            "Rác thải sinh hoạt tồn đọng {at} {dur} không được thu gom",
            "Điểm tập kết rác {at} bị ùn ứ, rác tràn ra cả lòng đường",
            "Xe thu gom rác không đến {at} {dur}, rác chất thành đống bốc mùi hôi thối",
        ),
        (
            "Rác đầy {name} mấy ngày nay không ai dọn, hôi quá trời!!!",
            "Rác {at} chất như núi, công ty môi trường đi đâu hết rồi?",
            "{Name} hôi thối không chịu nổi, rác không ai gom",
        ),
        (
            "Ruồi muỗi bu đầy, mùi hôi bay vào tận nhà",
            "Ảnh hưởng nghiêm trọng đến sức khỏe của bà con xung quanh",
            "Mùa này nắng nóng, mùi hôi rất khó chịu",
        ),
        (
            "Đề nghị đơn vị thu gom bố trí xe đến thu gom kịp thời",
            "Mong công ty môi trường tăng tần suất thu gom",
        ),
        (
            (
                "bố trí xe và công nhân đến thu gom",
                "toàn bộ rác tồn đọng đã được thu gom, vệ sinh khu vực trong ngày {date}; lịch thu gom được duy trì hằng ngày",
            ),
            (
                "kiểm tra và điều chỉnh lại tuyến thu gom rác",
                "đã bổ sung một chuyến thu gom buổi chiều tại khu vực này từ {date}",
            ),
        ),
        photo=0.75,
        agency_hint="utility:moi truong",
        weight=1.6,
    ),
    _issue(
        "illegal-dumping",
        "sanitation",
        "Đổ trộm rác, xà bần",
        "river lake road",
        (
            "Có người đổ trộm xà bần, rác thải {at} vào ban đêm",
            "Bãi đất trống {at} trở thành nơi đổ rác tự phát",
            "Một số người dân vứt rác, xác động vật bừa bãi {at}",
        ),
        (
            "Lại đổ trộm xà bần {at} nữa rồi, camera đâu hết?",
            "Bãi rác tự phát {at} to dần lên mà không ai xử lý",
        ),
        (
            "Gây ô nhiễm môi trường và mất mỹ quan",
            "Mưa xuống nước rỉ rác chảy tràn ra đường",
        ),
        (
            "Đề nghị dọn dẹp và có biện pháp ngăn chặn, xử phạt người vi phạm",
            "Đề nghị lắp biển cấm đổ rác và camera giám sát",
        ),
        (
            (
                "chỉ đạo {local} tổ chức thu dọn",
                "đã thu dọn sạch khu vực, cắm biển cấm đổ rác và phân công tổ dân phố giám sát",
            ),
            (
                "phối hợp với công an khu vực xác minh người đổ trộm",
                "đã xác định và xử phạt một trường hợp đổ xà bần không đúng nơi quy định số tiền {fine} đồng",
            ),
        ),
        photo=0.7,
        agency_hint="committee",
    ),
    _issue(
        "wastewater",
        "sanitation",
        "Nước thải chảy tràn, bốc mùi",
        "market",
        (
            "Nước thải từ các hộ dân, quán ăn {at} chảy tràn ra mặt đường",
            "Hệ thống cống {at} bị tắc, nước thải đen ngòm bốc mùi hôi thối",
            "Cơ sở kinh doanh {at} xả nước thải trực tiếp ra rãnh thoát nước chung",
        ),
        (
            "Nước thải chảy lênh láng {at}, hôi không chịu nổi!",
            "Cống {at} nghẹt cả tuần nay, thối quá trời",
        ),
        (
            "Người đi đường phải bịt mũi",
            "Muỗi sinh sôi, bà con lo sợ sốt xuất huyết",
        ),
        ("Đề nghị nạo vét cống và kiểm tra việc xả thải",),
        (
            (
                "cử công nhân nạo vét, thông tắc tuyến cống",
                "tuyến cống đã thông thoáng, nước thải không còn chảy tràn từ {date}",
            ),
            (
                "kiểm tra, lập biên bản cơ sở xả thải không đúng quy định",
                "cơ sở bị xử phạt {fine} đồng và buộc đấu nối nước thải vào hệ thống thu gom",
            ),
        ),
        agency_hint="utility:moi truong",
    ),
    _issue(
        "livestock-smell",
        "sanitation",
        "Chăn nuôi gây ô nhiễm",
        "",
        (
            "Hộ chăn nuôi heo trong khu dân cư {at} xả chất thải ra mương, mùi hôi nồng nặc",
            "Đàn dê, cừu được nhốt ngay {at}, phân thải không được xử lý",
            "Trại gà {at} gây mùi hôi và ruồi nhặng",
        ),
        ("Mùi phân heo {at} ngửi không nổi, ăn cơm cũng không được!",),
        (
            "Các hộ xung quanh phải đóng kín cửa cả ngày",
            "Ảnh hưởng sức khỏe, nhất là trẻ nhỏ",
        ),
        ("Đề nghị kiểm tra và buộc hộ chăn nuôi xử lý chất thải",),
        (
            (
                "phối hợp với {local} kiểm tra, làm việc với hộ chăn nuôi",
                "hộ chăn nuôi đã cam kết xây hầm biogas và giảm đàn trong thời gian 30 ngày",
            ),
            (
                "kiểm tra, lập biên bản vi phạm về bảo vệ môi trường trong chăn nuôi",
                "đã xử phạt {fine} đồng, yêu cầu di dời chuồng trại ra khỏi khu dân cư",
            ),
        ),
        weight=0.7,
        agency_hint="committee",
        setting="rural",
    ),
    _issue(
        "burning-waste",
        "sanitation",
        "Đốt rác gây khói",
        "",
        (
            "{When} có người đốt rác, đốt lốp xe {at} khói bay mù mịt",
            "Cơ sở thu mua phế liệu {at} thường xuyên đốt dây điện, nhựa vào chiều tối",
        ),
        ("Đốt rác {at} khói đen kịt, ngạt thở luôn!",),
        ("Khói độc bay vào nhà dân, người già và trẻ em ho nhiều",),
        ("Đề nghị kiểm tra, ngăn chặn ngay",),
        (
            (
                "cử lực lượng đến hiện trường kiểm tra",
                "đã yêu cầu dập lửa, nhắc nhở người vi phạm và lập biên bản cam kết không tái phạm",
            ),
        ),
        event=True,
        weight=0.5,
        agency_hint="committee",
    ),
    _issue(
        "beach-litter",
        "sanitation",
        "Rác thải trên bãi biển",
        "beach port",
        (
            "Rác thải, túi ni lông trôi dạt đầy {at}",
            "Sau các ngày lễ, {name} ngập rác do du khách để lại",
            "Ghe thuyền đổ rác thải, dầu nhớt xuống nước {at}",
        ),
        (
            "{Name} toàn rác là rác, khách du lịch thấy mà ngại",
            "Rác ngập {name}, ai dọn đây???",
        ),
        ("Ảnh hưởng hình ảnh du lịch của tỉnh",),
        ("Đề nghị tổ chức thu gom và bố trí thêm thùng rác",),
        (
            (
                "phối hợp với đoàn thanh niên và {local} ra quân dọn vệ sinh",
                "đã thu gom khoảng 2 tấn rác, bố trí thêm 10 thùng rác dọc bãi biển từ {date}",
            ),
        ),
        photo=0.8,
        weight=0.7,
        site="landmark",
    ),
    _issue(
        "fish-processing-smell",
        "sanitation",
        "Cơ sở chế biến hải sản gây mùi",
        "port",
        (
            "Cơ sở chế biến nước mắm, cá khô {at} gây mùi hôi nặng",
            "Các lò hấp cá {at} xả nước thải ra bãi biển",
        ),
        ("Lò cá {at} hôi quá, dân sống không nổi",),
        ("Mùi hôi lan khắp khu dân cư, nhất là buổi chiều",),
        ("Đề nghị kiểm tra hồ sơ môi trường của các cơ sở",),
        (
            (
                "chủ trì kiểm tra hồ sơ môi trường của các cơ sở chế biến",
                "có 2 cơ sở chưa có hệ thống xử lý nước thải; đã xử phạt tổng cộng {fine_total} đồng và yêu cầu khắc phục",
            ),
        ),
        weight=0.4,
        site="landmark",
        agency_hint="department:tai nguyen",
    ),
    # --------------------------------------------------------------------------- infrastructure
    _issue(
        "street-lights",
        "infrastructure",
        "Đèn chiếu sáng công cộng hư hỏng",
        "road park",
        (
            "Hệ thống đèn đường {at} bị hư {dur}, buổi tối tối om",
            "Cả dãy đèn chiếu sáng {at} không sáng {dur}",
            "Đèn đường {at} chập chờn, lúc sáng lúc tắt",
        ),
        (
            "Đèn đường {at} tắt cả tuần rồi, tối thui!",
            "{Name} tối như hũ nút, đèn hư mà không ai sửa",
        ),
        (
            "Người đi đường rất dễ gặp tai nạn, lại tạo điều kiện cho trộm cắp",
            "Học sinh đi học thêm về buổi tối rất nguy hiểm",
        ),
        ("Đề nghị đơn vị quản lý sớm sửa chữa",),
        (
            (
                "cử đội kỹ thuật kiểm tra, thay thế bóng đèn và dây dẫn bị hư",
                "hệ thống đèn đã sáng trở lại bình thường từ tối {date}",
            ),
            (
                "kiểm tra tủ điều khiển chiếu sáng của tuyến đường",
                "đã thay thế bộ hẹn giờ bị hỏng; toàn tuyến hoạt động lại từ {date}",
            ),
        ),
        agency_hint="utility:moi truong",
        weight=1.4,
        setting="urban",
    ),
    _issue(
        "potholes",
        "infrastructure",
        "Mặt đường hư hỏng, ổ gà",
        "road",
        (
            "Mặt đường {at} xuất hiện nhiều ổ gà, ổ voi",
            "Mặt đường {at} bị sụt lún, bong tróc lớp nhựa",
            "Sau khi thi công lắp đặt đường ống, mặt đường {at} không được hoàn trả, còn nguyên hố đào",
        ),
        (
            "Ổ gà to như cái nia {at}, té xe mấy vụ rồi",
            "{Name} nát bét, làm hoài không xong!",
        ),
        (
            "Trời mưa nước đọng không nhìn thấy ổ gà, rất dễ gây tai nạn",
            "Xe máy qua lại phải né, rất nguy hiểm",
        ),
        ("Đề nghị sớm sửa chữa, vá lại mặt đường",),
        (
            (
                "kiểm tra hiện trạng và giao đơn vị duy tu bảo dưỡng đường bộ xử lý",
                "đã vá ổ gà, thảm lại đoạn mặt đường hư hỏng, hoàn thành ngày {date}",
            ),
            (
                "kiểm tra hiện trường",
                "tuyến đường đã được đưa vào kế hoạch sửa chữa trong năm; trước mắt đã đắp vá tạm các vị trí nguy hiểm và cắm biển cảnh báo",
            ),
            (
                "yêu cầu đơn vị thi công hoàn trả mặt đường",
                "đơn vị thi công đã hoàn trả mặt đường đúng hiện trạng vào {date}",
            ),
        ),
        urgent=0.1,
        photo=0.7,
        weight=1.2,
    ),
    _issue(
        "flooding",
        "infrastructure",
        "Ngập nước khi mưa",
        "road market",
        (
            "Mỗi khi trời mưa, {name} lại ngập sâu 30–40 cm",
            "Cơn mưa {when} làm {name} ngập nặng, nước tràn vào nhà dân",
            "Hố ga {at} không thoát nước, mưa xuống là ngập",
        ),
        (
            "Mưa chút xíu là {name} ngập như sông!",
            "Ngập nữa rồi {at}, năm nào cũng vậy",
        ),
        (
            "Xe chết máy hàng loạt, học sinh không đi học được",
            "Nước ngập vào nhà làm hư đồ đạc",
        ),
        ("Đề nghị khảo sát, nạo vét và cải tạo hệ thống thoát nước",),
        (
            (
                "khảo sát hệ thống thoát nước khu vực",
                "đã nạo vét các hố ga, khơi thông dòng chảy; tuyến cống được đề xuất cải tạo trong kế hoạch đầu tư công",
            ),
            (
                "bố trí máy bơm và công nhân nạo vét",
                "khu vực đã hết ngập sau cơn mưa ngày {date}",
            ),
        ),
        urgent=0.3,
        photo=0.8,
        event=True,
    ),
    _issue(
        "open-manhole",
        "infrastructure",
        "Hố ga mất nắp",
        "road market crowd",
        (
            "Hố ga {at} bị mất nắp {dur}, chỉ có cành cây cắm tạm",
            "Nắp cống {at} bị vỡ, tạo thành hố sâu giữa vỉa hè",
        ),
        (
            "Hố ga mất nắp {at}, chờ có người té mới sửa hả???",
            "Nắp cống vỡ {at}, nguy hiểm chết người!",
        ),
        (
            "Rất nguy hiểm cho người đi bộ và trẻ em",
            "Ban đêm không thấy, đã có người bị sụp chân",
        ),
        ("Đề nghị khẩn trương thay nắp hố ga",),
        (
            (
                "cử công nhân đến cắm biển cảnh báo và thay nắp hố ga mới",
                "nắp hố ga đã được thay thế trong ngày {date}",
            ),
        ),
        urgent=0.6,
        photo=0.8,
        agency_hint="utility:moi truong",
        weight=0.8,
        setting="urban",
    ),
    _issue(
        "fallen-tree",
        "infrastructure",
        "Cây xanh gãy đổ, nguy hiểm",
        "road park school",
        (
            "Cây xanh {at} bị gãy nhánh lớn {when}, đè lên dây điện",
            "Cây bàng lớn {at} bị mục gốc, nghiêng hẳn ra đường",
            "Sau trận gió {when}, một cây xanh {at} bị bật gốc chắn ngang đường",
        ),
        (
            "Cây ngã chắn ngang đường {at}, xe không qua được!",
            "Nhánh cây treo lủng lẳng {at}, rớt trúng ai là chết",
        ),
        (
            "Người đi đường không dám đi qua",
            "Rất nguy hiểm nếu có mưa gió",
        ),
        (
            "Đề nghị cắt tỉa, xử lý khẩn cấp",
            "Đề nghị di dời cây kịp thời",
        ),
        (
            (
                "cử đội cây xanh đến hiện trường cắt dọn",
                "đã cắt bỏ nhánh gãy, thu dọn và thông đường trong ngày {date}",
            ),
            (
                "kiểm tra, đánh giá tình trạng cây",
                "cây có nguy cơ gãy đổ đã được chặt hạ và trồng thay thế cây mới",
            ),
        ),
        urgent=0.5,
        photo=0.8,
        agency_hint="utility:moi truong",
        event=True,
        weight=0.8,
    ),
    _issue(
        "water-pipe",
        "infrastructure",
        "Vỡ ống nước",
        "road",
        (
            "Đường ống cấp nước {at} bị vỡ, nước chảy lênh láng",
            "Ống nước {at} bị bể {dur}, nước phun lên mặt đường",
        ),
        ("Bể ống nước {at} chảy tràn cả ngày, phí nước quá!",),
        (
            "Lãng phí nước sạch trong khi mùa khô nhiều nơi thiếu nước",
            "Mặt đường bị xói lở",
        ),
        ("Đề nghị công ty cấp nước đến khắc phục",),
        (
            (
                "cử tổ sửa chữa đến khóa van và thay đoạn ống bị vỡ",
                "việc cấp nước trở lại bình thường từ {date}",
            ),
        ),
        urgent=0.4,
        agency_hint="utility:cap nuoc",
        event=True,
        weight=0.6,
    ),
    _issue(
        "sidewalk-broken",
        "infrastructure",
        "Vỉa hè hư hỏng",
        "school market park",
        (
            "Vỉa hè {at} bị bong tróc gạch, nhiều chỗ sụt lún",
            "Gạch lát vỉa hè {at} vỡ nát {dur}",
        ),
        ("Vỉa hè {at} nát hết rồi, đi bộ muốn trặc chân",),
        ("Người đi bộ, nhất là người già, dễ vấp ngã",),
        ("Đề nghị sửa chữa, lát lại vỉa hè",),
        (
            (
                "kiểm tra và giao đơn vị duy tu sửa chữa",
                "đã lát lại các vị trí gạch vỉa hè bị hư hỏng, hoàn thành ngày {date}",
            ),
        ),
        weight=0.5,
        setting="urban",
    ),
    # ---------------------------------------------------------------------------------- traffic
    _issue(
        "traffic-light",
        "traffic",
        "Đèn tín hiệu giao thông không hoạt động",
        "road crowd",
        (
            "Đèn tín hiệu giao thông {at} không hoạt động {dur}",
            "Đèn xanh đèn đỏ {at} bị lệch pha, hai hướng cùng bật đèn xanh",
            "Đèn tín hiệu {at} chỉ nhấp nháy vàng cả vào giờ cao điểm",
        ),
        (
            "Đèn giao thông {at} hư rồi, xe chạy loạn xạ!",
            "Đèn {at} bật xanh cả hai chiều, suýt đụng xe!!!",
        ),
        (
            "Giờ cao điểm xe cộ đông, rất dễ xảy ra va chạm",
            "Học sinh tan trường qua giao lộ rất nguy hiểm",
        ),
        ("Đề nghị kiểm tra, sửa chữa gấp",),
        (
            (
                "cử đơn vị quản lý hệ thống đèn tín hiệu kiểm tra",
                "đã thay bộ điều khiển bị hư hỏng, đèn hoạt động bình thường từ {date}",
            ),
        ),
        urgent=0.5,
        weight=0.8,
        setting="urban",
    ),
    _issue(
        "sidewalk-encroach",
        "traffic",
        "Lấn chiếm vỉa hè, lòng đường",
        "market crowd school",
        (
            "Các hộ kinh doanh {at} bày hàng hóa, để xe lấn chiếm hết vỉa hè",
            "Quán cà phê, quán nhậu {at} kê bàn ghế tràn xuống lòng đường",
            "Tình trạng họp chợ tự phát {at} diễn ra {dur}, lấn chiếm cả lòng đường",
        ),
        (
            "Vỉa hè {at} thành chỗ buôn bán hết rồi, người đi bộ đi đâu?",
            "Chợ tự phát họp giữa đường {at}, kẹt xe mỗi sáng!",
        ),
        (
            "Người đi bộ phải đi xuống lòng đường",
            "Gây ùn tắc giao thông vào giờ cao điểm",
        ),
        ("Đề nghị lực lượng chức năng ra quân xử lý, trả lại vỉa hè",),
        (
            (
                "chỉ đạo lực lượng trật tự đô thị phối hợp với {local} ra quân",
                "đã nhắc nhở 15 hộ kinh doanh, tạm giữ tang vật của 3 trường hợp tái phạm; vỉa hè đã thông thoáng",
            ),
            (
                "tổ chức kiểm tra, lập biên bản các trường hợp vi phạm",
                "đã xử phạt 4 trường hợp với tổng số tiền {fine_total} đồng và duy trì kiểm tra thường xuyên",
            ),
        ),
        photo=0.6,
        agency_hint="committee",
        weight=1.2,
        setting="urban",
    ),
    _issue(
        "racing",
        "traffic",
        "Thanh thiếu niên đua xe, lạng lách",
        "road beach",
        (
            "Nhóm thanh thiếu niên thường tụ tập đua xe, nẹt pô {at} vào ban đêm",
            "{When} có khoảng chục xe máy chạy lạng lách, bốc đầu {at}",
        ),
        (
            "Đua xe {at} đêm nào cũng vậy, nẹt pô điếc tai!!!",
            "Bọn trẻ bốc đầu xe {at}, công an đâu rồi?",
        ),
        (
            "Người dân không ngủ được và lo sợ tai nạn",
            "Rất nguy hiểm cho người tham gia giao thông",
        ),
        ("Đề nghị công an tăng cường tuần tra, xử lý nghiêm",),
        (
            (
                "chỉ đạo lực lượng cảnh sát giao thông và công an khu vực tăng cường tuần tra vào ban đêm",
                "đã tạm giữ 5 xe mô tô, xử lý 7 trường hợp vi phạm; tình trạng đua xe tại khu vực đã giảm",
            ),
        ),
        urgent=0.2,
        event=True,
        weight=0.8,
    ),
    _issue(
        "sand-trucks",
        "traffic",
        "Xe tải chở vật liệu rơi vãi, quá tải",
        "road",
        (
            "Xe tải chở cát, đất {at} không phủ bạt, làm rơi vãi khắp mặt đường",
            "Xe tải trọng lớn chạy liên tục {at} làm hư hỏng mặt đường",
        ),
        ("Xe ben chở cát chạy ầm ầm {at}, đất cát rớt đầy đường",),
        (
            "Mặt đường trơn trượt, bụi mù mịt",
            "Đường dân sinh không chịu nổi tải trọng",
        ),
        ("Đề nghị kiểm tra tải trọng và xử lý xe vi phạm",),
        (
            (
                "phối hợp với lực lượng cảnh sát giao thông tổ chức kiểm tra",
                "đã xử lý 6 phương tiện chở quá tải, không che phủ thùng xe; tổng số tiền phạt {fine_total} đồng",
            ),
        ),
        weight=0.6,
    ),
    _issue(
        "livestock-on-road",
        "traffic",
        "Gia súc thả rông trên đường",
        "road",
        (
            "Bò, dê thả rông đi lang thang trên {name} nhất là lúc chiều tối",
            "Đàn bò được thả rông {at}, nhiều lần gây tai nạn cho người đi xe máy",
        ),
        ("Bò thả rông giữa đường {at}, tông vô là chết!",),
        ("Đã có người đi xe máy tông phải bò bị thương nặng",),
        ("Đề nghị chính quyền nhắc nhở, xử lý các hộ thả rông gia súc",),
        (
            (
                "chỉ đạo {local} tuyên truyền, vận động các hộ chăn nuôi",
                "các hộ đã ký cam kết không thả rông gia súc; lực lượng dân quân tăng cường nhắc nhở",
            ),
        ),
        urgent=0.2,
        agency_hint="committee",
        weight=0.6,
        setting="rural",
    ),
    _issue(
        "dangerous-junction",
        "traffic",
        "Giao lộ nguy hiểm, thiếu biển báo",
        "road school",
        (
            "Giao lộ {at} thường xảy ra va chạm do bị che khuất tầm nhìn và không có biển báo",
            "Biển báo giao thông {at} bị cây che khuất, người lạ không nhìn thấy",
            "Gờ giảm tốc {at} bị mòn hết, xe chạy rất nhanh qua khu vực trường học",
        ),
        ("Ngã ba {name} tai nạn hoài mà không có biển báo gì hết",),
        ("Đã xảy ra nhiều vụ va chạm",),
        (
            "Đề nghị lắp đặt biển báo, gờ giảm tốc",
            "Đề nghị khảo sát, bổ sung đèn cảnh báo",
        ),
        (
            (
                "khảo sát hiện trường và tổ chức lại giao thông",
                "đã lắp đặt bổ sung biển báo nguy hiểm và sơn vạch gờ giảm tốc vào {date}",
            ),
        ),
        weight=0.7,
    ),
    # ------------------------------------------------------------------------------------ order
    _issue(
        "karaoke-noise",
        "order",
        "Hát karaoke gây ồn ào",
        "",
        (
            "Một hộ dân {at} hát karaoke với loa công suất lớn từ chiều đến khuya",
            "Quán karaoke {at} mở nhạc ầm ĩ đến 1–2 giờ sáng",
            "{When} hộ gia đình {at} mở loa kẹo kéo hát hò ầm ĩ",
        ),
        (
            "Karaoke {at} hát tới 12 giờ đêm, ai chịu nổi!!!",
            "Hát hò ầm ầm cả ngày {at}, tụi tui muốn điên luôn",
        ),
        (
            "Người già, trẻ nhỏ và học sinh ôn thi không thể nghỉ ngơi",
            "Đã góp ý nhiều lần nhưng họ không chấp hành",
        ),
        ("Đề nghị công an đến kiểm tra, xử lý",),
        (
            (
                "chỉ đạo công an khu vực đến kiểm tra, làm việc với hộ gia đình",
                "đã lập biên bản nhắc nhở, chủ hộ cam kết không hát karaoke sau 22 giờ",
            ),
            (
                "kiểm tra, xử phạt hành vi gây tiếng ồn vượt quy chuẩn trong khu dân cư",
                "chủ hộ bị xử phạt {fine} đồng",
            ),
        ),
        event=True,
        weight=1.4,
    ),
    _issue(
        "gathering-fighting",
        "order",
        "Tụ tập nhậu nhẹt, gây rối",
        "crowd beach park",
        (
            "Nhóm thanh niên thường tụ tập nhậu nhẹt, gây gổ đánh nhau {at}",
            "{When} có nhóm người đánh nhau {at}, mang theo hung khí",
            "Có nhóm người tụ tập đánh bài ăn tiền {at}",
        ),
        (
            "Đánh nhau {at} nữa kìa, công an đến liền đi!",
            "Tụ tập nhậu nhẹt chửi thề {at} suốt ngày",
        ),
        (
            "Bà con sống xung quanh rất lo lắng",
            "Mất an ninh trật tự khu dân cư",
        ),
        ("Đề nghị công an tăng cường tuần tra, giải tán",),
        (
            (
                "chỉ đạo công an khu vực xác minh, tăng cường tuần tra vào buổi tối",
                "đã giải tán nhóm tụ tập, lập hồ sơ xử lý 3 đối tượng gây rối trật tự công cộng",
            ),
            (
                "xác minh nội dung phản ánh",
                "thời điểm kiểm tra không phát hiện tụ tập; công an khu vực tiếp tục theo dõi, nắm tình hình",
            ),
        ),
        urgent=0.3,
        event=True,
    ),
    _issue(
        "theft",
        "order",
        "Trộm cắp tài sản",
        "market crowd",
        (
            "Thời gian gần đây {at} liên tục xảy ra các vụ trộm xe máy, điện thoại",
            "{When} nhà một người dân {at} bị kẻ gian đột nhập lấy trộm tài sản",
        ),
        ("Trộm hoành hành {at}, mất xe liên tục!",),
        ("Người dân hoang mang, không dám để xe trước nhà",),
        ("Đề nghị công an điều tra, tăng cường tuần tra ban đêm",),
        (
            (
                "chỉ đạo công an địa phương tiếp nhận, xác minh và tăng cường tuần tra",
                "đã bắt giữ 2 đối tượng trộm cắp, thu hồi tài sản trả lại cho người bị hại",
            ),
        ),
        weight=0.7,
    ),
    _issue(
        "drugs",
        "order",
        "Nghi tụ tập sử dụng ma túy",
        "",
        (
            "Có nhóm đối tượng lạ thường tụ tập {at} vào ban đêm, nghi sử dụng ma túy",
            "Phát hiện nhiều kim tiêm vứt bừa bãi {at}",
        ),
        ("Kim tiêm vứt đầy {at}, con nít chơi gần đó lỡ dẫm phải thì sao?",),
        ("Người dân lo ngại cho con em mình",),
        ("Đề nghị công an vào cuộc xác minh",),
        (
            (
                "chỉ đạo lực lượng cảnh sát điều tra tội phạm về ma túy phối hợp với công an khu vực xác minh",
                "đã triệu tập 4 đối tượng, xét nghiệm có 2 đối tượng dương tính với ma túy và đưa vào diện quản lý",
            ),
        ),
        photo=0.2,
        weight=0.4,
    ),
    _issue(
        "loudspeaker-ads",
        "order",
        "Quảng cáo, rao bán bằng loa gây ồn",
        "market crowd",
        (
            "Các xe rao bán hàng bằng loa phóng thanh chạy quanh {name} từ sáng sớm",
            "Cửa hàng {at} mở loa quảng cáo hết công suất cả ngày",
        ),
        ("Loa rao bán {at} ồn ào từ 5 giờ sáng!",),
        ("Gây ồn ào, ảnh hưởng sinh hoạt",),
        ("Đề nghị nhắc nhở, xử lý",),
        (
            (
                "phân công lực lượng kiểm tra, nhắc nhở",
                "cửa hàng đã tháo loa và cam kết không tái diễn",
            ),
        ),
        weight=0.4,
        setting="urban",
    ),
    # ---------------------------------------------------------------------------------- tourism
    _issue(
        "overcharging",
        "tourism",
        "Nhà hàng, dịch vụ chặt chém du khách",
        "beach tourist",
        (
            "Gia đình tôi ăn hải sản tại một nhà hàng {at}, bị tính giá cao gấp ba so với bảng giá",
            "Một số quán ăn {at} không niêm yết giá, tính tiền rất cao cho khách du lịch",
            "Dịch vụ cho thuê ghế, dù {at} thu 100.000 đồng một ghế, không có vé",
        ),
        (
            "Chặt chém du khách {at}, ốc 1 kg tính 700 nghìn!!!",
            "Du lịch kiểu này ai dám quay lại {name} nữa",
        ),
        (
            "Làm xấu hình ảnh du lịch của tỉnh",
            "Du khách rất bức xúc",
        ),
        ("Đề nghị kiểm tra việc niêm yết giá và xử lý",),
        (
            (
                "phối hợp với đội quản lý thị trường kiểm tra cơ sở kinh doanh",
                "cơ sở không niêm yết giá theo quy định; đã xử phạt {fine} đồng và yêu cầu hoàn trả tiền chênh lệch cho khách",
            ),
            (
                "kiểm tra việc niêm yết giá dịch vụ tại khu vực",
                "các cơ sở đã niêm yết giá công khai; đơn vị tiếp tục kiểm tra trong các dịp lễ",
            ),
        ),
        site="landmark",
    ),
    _issue(
        "touting",
        "tourism",
        "Chèo kéo, đeo bám du khách",
        "beach tourist heritage",
        (
            "Người bán hàng rong, chụp ảnh dạo {at} đeo bám, chèo kéo du khách",
            "Tình trạng cò mồi dẫn khách vào nhà hàng, khách sạn {at} diễn ra công khai",
        ),
        ("Bán hàng rong {at} bám theo khách như đỉa, phiền quá!",),
        ("Du khách cảm thấy khó chịu và mất an toàn",),
        ("Đề nghị chấn chỉnh hoạt động tại điểm du lịch",),
        (
            (
                "chỉ đạo ban quản lý khu du lịch phối hợp với {local} kiểm tra",
                "đã nhắc nhở, yêu cầu người bán hàng rong không đeo bám du khách; bố trí lực lượng thường trực vào cuối tuần",
            ),
        ),
        site="landmark",
    ),
    _issue(
        "boat-safety",
        "tourism",
        "Tàu du lịch không đảm bảo an toàn",
        "beach port",
        (
            "Tàu chở khách tham quan {at} chở quá số người quy định, không phát áo phao",
            "Dịch vụ cano, mô tô nước {at} hoạt động sát khu vực tắm biển",
        ),
        ("Cano chạy sát người tắm {at}, nguy hiểm quá!!!",),
        ("Rất dễ xảy ra tai nạn đáng tiếc",),
        ("Đề nghị kiểm tra giấy phép và điều kiện an toàn",),
        (
            (
                "phối hợp với đồn biên phòng và {local} kiểm tra các phương tiện",
                "đã đình chỉ hoạt động 2 phương tiện không đủ điều kiện an toàn và xử phạt tổng cộng {fine_total} đồng",
            ),
        ),
        site="landmark",
        urgent=0.3,
        weight=0.6,
    ),
    _issue(
        "tourist-toilets",
        "tourism",
        "Nhà vệ sinh công cộng xuống cấp",
        "beach tourist heritage park",
        (
            "Nhà vệ sinh công cộng {at} xuống cấp, bẩn và không có nước",
            "Khu vực tắm nước ngọt {at} thu phí nhưng không đảm bảo vệ sinh",
        ),
        ("Nhà vệ sinh {at} dơ kinh khủng, khách du lịch phải chịu",),
        ("Ảnh hưởng trải nghiệm của du khách",),
        ("Đề nghị cải tạo và có người dọn dẹp thường xuyên",),
        (
            (
                "làm việc với đơn vị quản lý khu vực",
                "đã sửa chữa hệ thống cấp nước, bố trí nhân viên vệ sinh cố định từ {date}",
            ),
        ),
        site="landmark",
        weight=0.5,
    ),
    _issue(
        "homestay-prices",
        "tourism",
        "Khách sạn, homestay tăng giá dịp lễ",
        "beach tourist",
        (
            "Dịp lễ, nhiều khách sạn, homestay {at} tự ý tăng giá phòng gấp đôi so với lúc đặt",
            "Tôi đặt phòng trước tại một homestay {at} nhưng khi đến nơi bị hủy, không hoàn tiền cọc",
        ),
        ("Homestay {at} hủy phòng không trả cọc, lừa đảo khách!",),
        ("Du khách bị thiệt hại và mất niềm tin",),
        ("Đề nghị cơ quan quản lý du lịch kiểm tra, xử lý",),
        (
            (
                "làm việc với chủ cơ sở lưu trú",
                "cơ sở đã hoàn trả tiền cọc cho khách và bị nhắc nhở về việc niêm yết giá",
            ),
        ),
        site="landmark",
        weight=0.5,
    ),
    # -------------------------------------------------------------------------------- officials
    _issue(
        "late-paperwork",
        "officials",
        "Hồ sơ giải quyết trễ hẹn",
        "office",
        (
            "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất {at} đã quá hẹn hơn 1 tháng mà chưa có kết quả",
            "Hồ sơ đăng ký biến động đất đai của gia đình tôi nộp {at} bị trễ hẹn nhiều lần, không được thông báo lý do",
            "Tôi nộp hồ sơ xin giấy phép xây dựng {at}, hẹn 15 ngày nhưng đã gần 2 tháng vẫn chưa có",
        ),
        ("Hồ sơ nộp {at} trễ hẹn cả tháng, đi hỏi hoài chỉ bảo chờ!",),
        (
            "Gia đình tôi phải đi lại nhiều lần, tốn kém thời gian",
            "Việc chậm trễ ảnh hưởng đến việc vay vốn của gia đình",
        ),
        ("Đề nghị kiểm tra, giải quyết hồ sơ đúng hạn",),
        (
            (
                "kiểm tra quá trình giải quyết hồ sơ",
                "hồ sơ bị chậm do phải xác minh nguồn gốc đất; đơn vị đã xin lỗi công dân và trả kết quả vào {date}",
            ),
            (
                "yêu cầu bộ phận chuyên môn báo cáo, giải trình",
                "hồ sơ đã được giải quyết xong; cán bộ thụ lý đã kiểm điểm, rút kinh nghiệm",
            ),
        ),
        site="office",
        photo=0.1,
        weight=1.4,
    ),
    _issue(
        "runaround",
        "officials",
        "Hướng dẫn thủ tục không rõ ràng, yêu cầu giấy tờ ngoài quy định",
        "office",
        (
            "Cán bộ tiếp nhận {at} yêu cầu bổ sung giấy tờ nhiều lần, mỗi lần một ý",
            "Khi làm thủ tục chứng thực {at}, cán bộ yêu cầu nộp thêm giấy tờ không có trong quy định",
        ),
        ("Đi làm giấy tờ {at} 4 lần chưa xong, mỗi lần bắt nộp một thứ!",),
        ("Người dân phải đi lại nhiều lần rất phiền hà",),
        ("Đề nghị chấn chỉnh cách hướng dẫn thủ tục cho người dân",),
        (
            (
                "làm việc với cán bộ tiếp nhận hồ sơ",
                "cán bộ đã nhận khuyết điểm, được nhắc nhở rút kinh nghiệm; hồ sơ của công dân đã được tiếp nhận đầy đủ",
            ),
        ),
        site="office",
        photo=0.05,
    ),
    _issue(
        "rude-official",
        "officials",
        "Thái độ cán bộ không đúng mực",
        "office",
        (
            "Cán bộ {at} có thái độ hách dịch, quát tháo người dân khi được hỏi",
            "Một công chức {at} thường xuyên đi trễ, vắng mặt trong giờ làm việc, dân phải chờ rất lâu",
        ),
        ("Cán bộ {at} nói chuyện với dân như quát con nít!",),
        ("Gây mất lòng tin của người dân vào chính quyền",),
        ("Đề nghị xem xét, chấn chỉnh thái độ phục vụ",),
        (
            (
                "xác minh qua camera và làm việc với cán bộ có liên quan",
                "cán bộ đã bị phê bình, kiểm điểm trước tập thể; đơn vị chấn chỉnh tác phong, lề lối làm việc",
            ),
            (
                "xác minh nội dung phản ánh",
                "chưa có cơ sở kết luận cán bộ có thái độ không đúng mực; đơn vị đã nhắc nhở chung toàn bộ phận",
            ),
        ),
        site="office",
        photo=0.05,
    ),
    _issue(
        "bribe-hint",
        "officials",
        "Có dấu hiệu gây khó khăn, đòi chi tiền ngoài quy định",
        "office",
        (
            "Khi làm hồ sơ tách thửa đất {at}, tôi được gợi ý phải chi thêm tiền thì mới nhanh",
            "Có người tự xưng quen cán bộ {at} nhận làm dịch vụ giấy tờ với giá rất cao",
        ),
        ("Làm giấy tờ {at} không bôi trơn là không xong, bức xúc!",),
        ("Đây là hành vi tiêu cực cần xử lý nghiêm",),
        ("Đề nghị thanh tra làm rõ",),
        (
            (
                "giao thanh tra xác minh, làm việc với người phản ánh và cán bộ liên quan",
                "chưa phát hiện cán bộ nhận tiền; đơn vị đã niêm yết công khai phí, lệ phí và số điện thoại đường dây nóng tại bộ phận một cửa",
            ),
        ),
        site="office",
        photo=0.0,
        weight=0.4,
    ),
    # ------------------------------------------------------------------------------------ daily
    _issue(
        "water-outage",
        "daily",
        "Mất nước sinh hoạt",
        "",
        (
            "Khu dân cư {at} bị mất nước sinh hoạt {dur} mà không được báo trước",
            "Nước máy {at} yếu, chỉ có vào ban đêm, ban ngày không có nước để dùng",
            "Nước máy {at} có màu vàng đục, có mùi lạ",
        ),
        (
            "Cúp nước {dur} {at}, lấy gì nấu ăn tắm giặt???",
            "Nước máy đục ngầu như nước ao {at}",
        ),
        ("Bà con phải đi mua nước bình để dùng",),
        ("Đề nghị công ty cấp nước kiểm tra, khắc phục",),
        (
            (
                "kiểm tra mạng lưới cấp nước khu vực",
                "nguyên nhân do sự cố đường ống chính; đã sửa chữa và cấp nước trở lại từ {date}",
            ),
            (
                "súc xả đường ống và lấy mẫu nước kiểm nghiệm",
                "mẫu nước đạt quy chuẩn; nước đã trong trở lại sau khi súc xả",
            ),
        ),
        site="area",
        agency_hint="utility:cap nuoc",
        photo=0.3,
        weight=1.3,
    ),
    _issue(
        "power-outage",
        "daily",
        "Cúp điện không báo trước, điện chập chờn",
        "",
        (
            "Khu vực {at} thường xuyên cúp điện không báo trước {dur}",
            "Điện {at} chập chờn, điện áp yếu làm hư hỏng thiết bị",
            "Dây điện {at} võng thấp, trụ điện nghiêng có nguy cơ ngã đổ",
        ),
        (
            "Cúp điện hoài {at}, nóng muốn xỉu!",
            "Điện chập chờn {at}, cháy cái tủ lạnh rồi",
        ),
        ("Trời nắng nóng, người già và trẻ nhỏ rất khổ",),
        ("Đề nghị điện lực kiểm tra, khắc phục",),
        (
            (
                "cử đội quản lý vận hành lưới điện kiểm tra",
                "đã thay máy biến áp quá tải, cân pha lại đường dây; điện đã ổn định từ {date}",
            ),
            (
                "kiểm tra đường dây và trụ điện",
                "đã dựng lại trụ điện và căng lại dây dẫn, đảm bảo an toàn vào {date}",
            ),
        ),
        site="area",
        agency_hint="utility:dien luc",
        urgent=0.15,
        weight=1.2,
    ),
    _issue(
        "stray-dogs",
        "daily",
        "Chó thả rông",
        "",
        (
            "Nhiều hộ dân {at} thả rông chó, không rọ mõm",
            "Chó thả rông {at} cắn người đi đường",
        ),
        ("Chó thả rông {at} rượt người đi đường, sợ quá!",),
        ("Nguy cơ lây bệnh dại",),
        ("Đề nghị chính quyền kiểm tra, xử lý",),
        (
            (
                "chỉ đạo {local} tuyên truyền, kiểm tra việc nuôi chó",
                "đã lập biên bản 3 hộ thả rông chó và tổ chức tiêm phòng dại cho đàn chó trên địa bàn",
            ),
        ),
        site="area",
        agency_hint="committee",
        photo=0.2,
        weight=0.6,
    ),
    _issue(
        "mosquitoes",
        "daily",
        "Đề nghị phun thuốc diệt muỗi",
        "",
        (
            "Khu dân cư {at} có nhiều người mắc sốt xuất huyết, muỗi rất nhiều",
            "Ao tù nước đọng {at} là nơi muỗi sinh sản",
        ),
        ("Muỗi {at} nhiều như trấu, sốt xuất huyết mấy ca rồi!",),
        ("Người dân lo ngại dịch bệnh bùng phát",),
        ("Đề nghị ngành y tế phun thuốc diệt muỗi",),
        (
            (
                "phối hợp với trạm y tế tổ chức phun hóa chất diệt muỗi",
                "đã phun hóa chất và vận động người dân diệt lăng quăng vào ngày {date}",
            ),
        ),
        site="area",
        photo=0.2,
        weight=0.6,
    ),
    _issue(
        "hanging-cables",
        "daily",
        "Dây cáp viễn thông chằng chịt",
        "",
        (
            "Dây cáp viễn thông, cáp truyền hình {at} chằng chịt, nhiều đoạn võng sát đầu người",
            "Một cuộn cáp bị đứt rơi xuống {at} {dur} không ai thu hồi",
        ),
        ("Dây cáp {at} giăng như mạng nhện, vướng cổ người đi đường!",),
        ("Mất mỹ quan và nguy hiểm cho người đi xe máy",),
        ("Đề nghị các nhà mạng chỉnh trang, thu hồi cáp",),
        (
            (
                "yêu cầu các doanh nghiệp viễn thông chỉnh trang cáp",
                "các nhà mạng đã bó gọn, nâng độ cao và thu hồi cáp không sử dụng vào {date}",
            ),
        ),
        weight=0.5,
        setting="urban",
    ),
    _issue(
        "school-fees",
        "daily",
        "Trường học thu các khoản ngoài quy định",
        "school",
        (
            "{Name} thu nhiều khoản đóng góp đầu năm ngoài quy định",
            "Phụ huynh học sinh {at} phải đóng tiền quỹ lớp, tiền máy lạnh quá cao",
        ),
        ("Đầu năm học {name} thu đủ thứ khoản, phụ huynh đóng tiền mệt xỉu!",),
        ("Gây khó khăn cho các gia đình",),
        ("Đề nghị kiểm tra việc thu chi đầu năm",),
        (
            (
                "chỉ đạo phòng giáo dục kiểm tra việc thu chi của nhà trường",
                "nhà trường đã dừng thu các khoản không đúng quy định và hoàn trả cho phụ huynh",
            ),
        ),
        site="landmark",
        photo=0.1,
        weight=0.4,
    ),
)

#: Generic lines per kind, mixed with the issue's own.
GENERIC_EFFECT = {
    "construction": ("Việc này gây bức xúc trong nhân dân",),
    "sanitation": ("Gây ô nhiễm môi trường, ảnh hưởng sức khỏe người dân",),
    "infrastructure": ("Gây nguy hiểm cho người tham gia giao thông",),
    "traffic": ("Tiềm ẩn nguy cơ tai nạn giao thông",),
    "order": ("Ảnh hưởng đến an ninh trật tự và sinh hoạt của người dân",),
    "tourism": ("Ảnh hưởng đến hình ảnh du lịch địa phương",),
    "officials": ("Gây phiền hà cho người dân khi làm thủ tục",),
    "daily": ("Ảnh hưởng đến đời sống của bà con",),
}

#: Out-of-scope and spam messages that the IOC rejects.
SPAM = (
    "Hỗ trợ vay tiền nhanh, không cần thế chấp, giải ngân trong ngày. Liên hệ Zalo {phone}",
    "Bán đất nền giá rẻ ven biển Ninh Chữ, sổ hồng riêng, liên hệ {phone}",
    "test",
    "alo alo",
    "Nhận làm bằng lái xe, giấy tờ các loại nhanh gọn {phone}",
    "Mình muốn hỏi thủ tục đi xuất khẩu lao động Nhật Bản",
    "ádfghj",
)
OUT_OF_SCOPE = (
    "Tôi có tranh chấp ranh giới đất với nhà hàng xóm đã nhiều năm, đề nghị giải quyết",
    "Tôi không đồng ý với bản án sơ thẩm của tòa án, đề nghị xem xét lại",
    "Đề nghị xem xét chế độ chính sách cho cha tôi là người có công với cách mạng",
    "Công ty nợ lương công nhân 3 tháng nay, đề nghị can thiệp",
    "Tôi bị lừa đảo qua mạng mất 50 triệu đồng, nhờ các anh giúp lấy lại tiền",
)
REJECT_SPAM = (
    "Nội dung không phải phản ánh hiện trường (tin nhắn quảng cáo, rác).",
    "Nội dung không rõ ràng, không phải phản ánh.",
)
REJECT_SCOPE = (
    "Nội dung thuộc lĩnh vực khiếu nại, tố cáo, tranh chấp dân sự, không thuộc phạm vi tiếp nhận của hệ thống phản ánh hiện trường. Đề nghị công dân liên hệ Ban Tiếp công dân tỉnh để được hướng dẫn.",
    "Nội dung không thuộc phạm vi tiếp nhận của hệ thống; đề nghị công dân gửi đơn đến cơ quan có thẩm quyền theo quy định.",
)

QUESTIONS = (
    (
        "address",
        "Đề nghị {you} cung cấp địa chỉ cụ thể (số nhà, tên đường hoặc khu phố, thôn) nơi xảy ra sự việc để Trung tâm chuyển đơn vị xử lý.",
    ),
    (
        "photo",
        "Đề nghị {you} bổ sung hình ảnh hiện trường để có cơ sở chuyển đơn vị xử lý.",
    ),
    (
        "time",
        "Đề nghị {you} cho biết thời gian cụ thể (ngày, giờ) thường xảy ra sự việc.",
    ),
    (
        "office",
        "Đề nghị {you} cho biết tên thủ tục, ngày nộp hồ sơ và số biên nhận để Trung tâm chuyển đơn vị xác minh.",
    ),
)
ANSWERS = {
    "address": (
        "Dạ địa chỉ là {address} ạ",
        "{address}, gần nhà tui",
        "Ở {address}",
    ),
    "photo": (
        "Em đã gửi bổ sung hình ảnh ạ",
        "Tôi gửi thêm 2 hình chụp hiện trường",
    ),
    "time": (
        "Thường từ khoảng 21 giờ đến 1 giờ sáng, nhất là thứ 7, chủ nhật",
        "Chiều nào cũng vậy, khoảng 17 giờ",
    ),
    "office": (
        "Thủ tục cấp giấy chứng nhận quyền sử dụng đất, nộp ngày {date}, có giấy biên nhận",
        "Hồ sơ nộp ngày {date}, biên nhận số {ticket}",
    ),
}

RETURN_REASONS = (
    "Nội dung phản ánh không thuộc thẩm quyền giải quyết của đơn vị; đề nghị Trung tâm chuyển {other} xem xét, xử lý.",
    "Vị trí phản ánh không thuộc địa bàn quản lý của đơn vị; đề nghị chuyển {other}.",
    "Lĩnh vực này do {other} quản lý, đơn vị xin trả lại để Trung tâm chuyển đúng đơn vị.",
)

PROGRESS_NOTES = (
    "Đã cử cán bộ xuống hiện trường kiểm tra, đang xác minh.",
    "Đang phối hợp với các đơn vị liên quan xử lý.",
    "Đã làm việc với người có liên quan, đang chờ khắc phục theo cam kết.",
    "Đã lập kế hoạch xử lý, dự kiến hoàn thành trong tuần.",
)
#: Progress notes that fit only some kinds of problems.
KIND_PROGRESS_NOTES = {
    "infrastructure": ("Đang chờ vật tư để sửa chữa.", "Đã cắm biển cảnh báo, đang bố trí đơn vị thi công."),
    "daily": ("Đang chờ vật tư để sửa chữa.",),
    "officials": (
        "Đang yêu cầu bộ phận chuyên môn báo cáo, giải trình.",
        "Đang xác minh qua hồ sơ và camera.",
    ),
    "order": ("Đã giao công an khu vực theo dõi, nắm tình hình.",),
    "construction": ("Đã lập biên bản, đang chờ chủ công trình khắc phục.",),
}

CALL_OUTCOMES = (
    "Đã gọi điện cho người phản ánh, xác nhận vị trí: {address}.",
    "Đã liên hệ người phản ánh, xác nhận thông tin và hướng dẫn theo dõi kết quả trên ứng dụng.",
    "Gọi lại cho người phản ánh nhưng không liên lạc được.",
    "Người phản ánh cho biết sự việc vẫn đang tiếp diễn.",
)

REOPEN_REASONS = (
    "Công dân phản ánh tình trạng tái diễn sau khi đã xử lý.",
    "Công dân không đồng ý với kết quả trả lời, đề nghị kiểm tra lại.",
    "Kết quả xử lý chưa triệt để theo phản hồi của công dân.",
)

RATING_GOOD = (
    "Cảm ơn các anh chị đã xử lý nhanh.",
    "Đã xử lý xong, cảm ơn.",
    "ok cảm ơn",
    "Rất hài lòng, mong duy trì.",
    "",
    "",
)
RATING_BAD = (
    "Mới dọn được vài ngày lại như cũ.",
    "Trả lời chung chung, chưa giải quyết dứt điểm.",
    "Xử lý chậm quá.",
    "Thực tế chưa thấy khắc phục gì.",
    "",
)


def by_kind() -> dict[str, tuple[Issue, ...]]:
    table: dict[str, list[Issue]] = {kind: [] for kind in KINDS}
    for issue in ISSUES:
        table[issue.kind].append(issue)
    return {kind: tuple(issues) for kind, issues in table.items()}
