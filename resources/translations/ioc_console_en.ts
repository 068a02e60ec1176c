<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name></name>
    <message>
        <source>Họ tên dài quá %s ký tự.</source>
        <translation>The name is longer than %s characters.</translation>
    </message>
    <message>
        <source>Số điện thoại không đúng: di động 10 số bắt đầu bằng 03, 05, 07, 08, 09; cố định 11 số bắt đầu bằng 02 (ví dụ 0259 3822 123).</source>
        <translation>The phone number is not valid: a mobile number has 10 digits starting with 03, 05, 07, 08 or 09; a landline has 11 digits starting with 02 (e.g. 0259 3822 123).</translation>
    </message>
    <message>
        <source>Cần chọn lĩnh vực.</source>
        <translation>Choose a category.</translation>
    </message>
    <message>
        <source>Lĩnh vực không có trong danh mục.</source>
        <translation>The category is not in the list.</translation>
    </message>
    <message>
        <source>Lĩnh vực này không còn tiếp nhận phản ánh.</source>
        <translation>This category no longer takes reports.</translation>
    </message>
    <message>
        <source>Cần ghi nội dung phản ánh.</source>
        <translation>Write what the report is about.</translation>
    </message>
    <message>
        <source>Nội dung phản ánh quá ngắn: cần ít nhất %s ký tự.</source>
        <translation>The description is too short: at least %s characters are needed.</translation>
    </message>
    <message>
        <source>Nội dung phản ánh dài quá %s ký tự.</source>
        <translation>The description is longer than %s characters.</translation>
    </message>
    <message>
        <source>Không có xã, phường nào tên «%s»; chọn trong danh sách gợi ý.</source>
        <translation>There is no commune or ward named “%s”; choose one from the suggestions.</translation>
    </message>
    <message>
        <source>Địa chỉ dài quá %s ký tự.</source>
        <translation>The address is longer than %s characters.</translation>
    </message>
    <message>
        <source>Cần chọn xã, phường hoặc nhấp một điểm trên bản đồ.</source>
        <translation>Choose a commune or ward, or click a point on the map.</translation>
    </message>
    <message>
        <source>Điểm đã chọn nằm ngoài địa bàn tỉnh.</source>
        <translation>The chosen point lies outside the province.</translation>
    </message>
    <message>
        <source>Không được chứa ký tự điều khiển.</source>
        <translation>Control characters are not allowed.</translation>
    </message>
</context>
<context>
    <name>ActionService</name>
    <message>
        <source>%1 chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở %2.</source>
        <extracomment>How long an action can be taken back after it was taken. The reason kept on an outbox entry the operator took back (stored text, not shown in the GUI). The most reports one request may act on (a drag of a whole queue is a mistake, not a plan).</extracomment>
        <translation>%1 handles only reports in its own area; this report is in %2.</translation>
    </message>
    <message>
        <source>Theo danh mục, %1 không phụ trách địa bàn %2.</source>
        <translation>According to the list, %1 does not serve %2.</translation>
    </message>
    <message>
        <source>Phản ánh %1 chưa xác định địa bàn; không kiểm tra được phạm vi của %2.</source>
        <translation>Report %1 has no area yet; the scope of %2 cannot be checked.</translation>
    </message>
    <message>
        <source>Mỗi lần chỉ thao tác được tối đa %1 phản ánh.</source>
        <extracomment>Reports the action was taken on (empty when refused). The token to pass to :meth:`ActionService.undo`, while the offer lasts; 0 when refused. Milliseconds from the request to the reports written as pending (for the record). Reports put back as they were. Reports whose action could not be taken back (already sent, or changed since). ``time.monotonic()`` when the offer ends.</extracomment>
        <translation>At most %1 reports can be acted on at once.</translation>
    </message>
    <message>
        <source>Không tìm thấy phản ánh %1 trên máy này.</source>
        <translation>Report %1 is not on this computer.</translation>
    </message>
    <message>
        <source>Không ghi được thao tác vào kho dữ liệu: %1</source>
        <translation>The action could not be written to the local data: %1</translation>
    </message>
</context>
<context>
    <name>AgencyListModel</name>
    <message>
        <source>Đơn vị</source>
        <extracomment>The keyboard&apos;s way to forward the selected reports. Order of agency kinds in lists (as in the agency panel). Background and text colours of the message kinds that stand out.</extracomment>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Nhóm</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Sở/ngành tỉnh</source>
        <translation>Provincial departments</translation>
    </message>
    <message>
        <source>UBND huyện/thành phố</source>
        <translation>District and city people&apos;s committees</translation>
    </message>
    <message>
        <source>UBND xã/phường/thị trấn</source>
        <translation>Commune, ward and township people&apos;s committees</translation>
    </message>
    <message>
        <source>Công an</source>
        <translation>Police</translation>
    </message>
    <message>
        <source>Doanh nghiệp dịch vụ</source>
        <translation>Utility companies</translation>
    </message>
    <message>
        <source>Đơn vị khác</source>
        <translation>Other agencies</translation>
    </message>
    <message>
        <source>gợi ý</source>
        <translation>suggested</translation>
    </message>
    <message>
        <source>được gợi ý</source>
        <translation>suggested</translation>
    </message>
</context>
<context>
    <name>AgencyPanel</name>
    <message>
        <source>Đơn vị xử lý</source>
        <extracomment>How long a refusal stays in the message line.</extracomment>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Lọc đơn vị (gõ không dấu cũng được)…</source>
        <translation>Filter agencies (accents optional)…</translation>
    </message>
    <message>
        <source>Lọc đơn vị xử lý</source>
        <translation>Filter agencies</translation>
    </message>
    <message>
        <source>Gợi ý: %1</source>
        <translation>Suggested: %1</translation>
    </message>
    <message>
        <source>Không có gợi ý đơn vị cho các phản ánh đang kéo.</source>
        <translation>No agency is suggested for the reports being dragged.</translation>
    </message>
    <message numerus="yes">
        <source>Thả để chuyển %n phản ánh cho %1.</source>
        <translation>
            <numerusform>Drop to forward %n report to %1.</numerusform>
            <numerusform>Drop to forward %n reports to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Kéo phản ánh từ danh sách và thả vào một đơn vị để chuyển xử lý.</source>
        <translation>Drag reports from the queue and drop them on an agency to forward them.</translation>
    </message>
    <message>
        <source>Không thể chuyển cho %1:</source>
        <translation>Cannot forward to %1:</translation>
    </message>
    <message numerus="yes">
        <source>… và %n phản ánh khác.</source>
        <translation>
            <numerusform>… and %n other report.</numerusform>
            <numerusform>… and %n other reports.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AgencyTreeModel</name>
    <message>
        <source>Sở/ngành tỉnh</source>
        <translation>Provincial departments</translation>
    </message>
    <message>
        <source>UBND huyện/thành phố</source>
        <translation>District and city people&apos;s committees</translation>
    </message>
    <message>
        <source>UBND xã/phường/thị trấn</source>
        <translation>Commune, ward and township people&apos;s committees</translation>
    </message>
    <message>
        <source>Công an</source>
        <translation>Police</translation>
    </message>
    <message>
        <source>Doanh nghiệp dịch vụ</source>
        <translation>Utility companies</translation>
    </message>
    <message>
        <source>Đơn vị khác</source>
        <translation>Other agencies</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Đã chuyển</source>
        <translation>Forwarded</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Phản ánh đã chuyển, đơn vị chưa tiếp nhận</source>
        <translation>Reports forwarded, not yet accepted by the agency</translation>
    </message>
    <message>
        <source>Phản ánh đơn vị đang xử lý</source>
        <translation>Reports the agency is handling</translation>
    </message>
    <message>
        <source>Phản ánh ở đơn vị đã quá hạn trả lời</source>
        <translation>Reports at the agency past their reply deadline</translation>
    </message>
    <message>
        <source>được gợi ý</source>
        <translation>suggested</translation>
    </message>
    <message numerus="yes">
        <source>%n phản ánh đã chuyển</source>
        <translation>
            <numerusform>%n report forwarded</numerusform>
            <numerusform>%n reports forwarded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n phản ánh đang xử lý</source>
        <translation>
            <numerusform>%n report in progress</numerusform>
            <numerusform>%n reports in progress</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n phản ánh quá hạn</source>
        <translation>
            <numerusform>%n report overdue</numerusform>
            <numerusform>%n reports overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n phản ánh sắp đến hạn</source>
        <translation>
            <numerusform>%n report due soon</numerusform>
            <numerusform>%n reports due soon</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gợi ý theo quy tắc phân công cho %n phản ánh đang kéo</source>
        <translation>
            <numerusform>Suggested by the routing rules for the %n report being dragged</numerusform>
            <numerusform>Suggested by the routing rules for the %n reports being dragged</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ArrivalsBar</name>
    <message>
        <source>Phản ánh mới không tự chen vào danh sách đang xem; bấm để hiện chúng</source>
        <translation>New reports do not slip into the list you are reading; click to show them</translation>
    </message>
    <message numerus="yes">
        <source>▲ %n phản ánh mới — hiện</source>
        <translation>
            <numerusform>▲ %n new report — show</numerusform>
            <numerusform>▲ %n new reports — show</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AssignController</name>
    <message>
        <source>C&amp;huyển xử lý…</source>
        <translation>&amp;Forward…</translation>
    </message>
    <message>
        <source>Chuyển các phản ánh đang chọn cho một đơn vị xử lý (F6)</source>
        <translation>Forward the selected reports to an agency (F6)</translation>
    </message>
    <message>
        <source>Hãy chọn phản ánh trong danh sách trước khi chuyển xử lý.</source>
        <translation>Select reports in the queue before forwarding.</translation>
    </message>
    <message>
        <source>Không tìm thấy các phản ánh đã chọn trên máy này.</source>
        <translation>The selected reports are not on this computer.</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Chuyển xử lý</source>
        <translation>Forward</translation>
    </message>
    <message numerus="yes">
        <source>Chuyển %n phản ánh: %1</source>
        <translation>
            <numerusform>Forward %n report: %1</numerusform>
            <numerusform>Forward %n reports: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Tìm đơn vị:</source>
        <translation>&amp;Find an agency:</translation>
    </message>
    <message>
        <source>Gõ tên đơn vị, có dấu hoặc không dấu (vd. so xay dung)</source>
        <translation>Type an agency&apos;s name, with or without diacritics (e.g. so xay dung)</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>&amp;Ghi chú:</source>
        <translation>&amp;Note:</translation>
    </message>
    <message>
        <source>Ghi chú cho đơn vị (không bắt buộc)</source>
        <translation>A note for the agency (optional)</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Không có đơn vị nào khớp với từ đã gõ.</source>
        <translation>No agency matches what you typed.</translation>
    </message>
    <message numerus="yes">
        <source>… và %n phản ánh khác.</source>
        <translation>
            <numerusform>… and %n other report.</numerusform>
            <numerusform>… and %n other reports.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sẽ chuyển cho %1.</source>
        <translation>Will be forwarded to %1.</translation>
    </message>
</context>
<context>
    <name>CategoryDialog</name>
    <message>
        <source>Đổi lĩnh vực phản ánh</source>
        <translation>Change the report&apos;s category</translation>
    </message>
    <message>
        <source>Đổi &amp;lĩnh vực</source>
        <translation>Change the &amp;category</translation>
    </message>
    <message>
        <source>&amp;Lĩnh vực mới:</source>
        <translation>New &amp;category:</translation>
    </message>
    <message>
        <source>Chưa có quy tắc phân công cho lĩnh vực và địa bàn này.</source>
        <translation>There is no routing rule for this category and area yet.</translation>
    </message>
    <message>
        <source>Theo quy tắc phân công, chuyển cho: %s</source>
        <translation>By the routing rules, forward to: %s</translation>
    </message>
    <message>
        <source>Cần chọn lĩnh vực.</source>
        <translation>Choose a category.</translation>
    </message>
    <message>
        <source>Phản ánh đang thuộc lĩnh vực này; hãy chọn lĩnh vực khác.</source>
        <translation>The report is already in this category; choose another one.</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <source>Tệp cấu hình của cơ quan có lỗi</source>
        <extracomment>Changes applied by sync are shown together when they come this close (a first sync brings thousands). Where the console&apos;s data comes from (:attr:`Options.source`). New citizens&apos; reports per minute from the embedded demo&apos;s simulator (0: none). Reports of history in a newly built embedded demo hub (None: the demo&apos;s year). The full-screen wall display for supervisors, on screen ``screen`` (counted from 1). The organisation&apos;s site file (hub, CA bundle, language, basemap), read when none is chosen, and the reason one was found but not used (shown once the window is up). Reports the hub changed in the local copy (batched), for the parts that follow them live.</extracomment>
        <translation>The organisation&apos;s site file has a problem</translation>
    </message>
    <message>
        <source>Đang khởi động máy chủ mẫu của tỉnh Ninh Thuận…</source>
        <translation>Starting the Ninh Thuận demo hub…</translation>
    </message>
    <message>
        <source>Đăng nhập vào máy chủ IOC…</source>
        <translation>Signing in to the IOC hub…</translation>
    </message>
    <message>
        <source>&amp;Tài khoản</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <source>Đang đăng nhập: %s</source>
        <translation>Signed in: %s</translation>
    </message>
    <message>
        <source>Đăng &amp;xuất…</source>
        <translation>Sign &amp;out…</translation>
    </message>
    <message>
        <source>Đăng xuất sẽ xoá bản dữ liệu trên máy này của bạn; lần sau cần đăng nhập lại.</source>
        <translation>Signing out deletes your copy of the data on this machine; you will need to sign in again next time.</translation>
    </message>
    <message>
        <source>Số thao tác chưa gửi được lên máy chủ, sẽ bị bỏ: %s.</source>
        <translation>Actions not yet sent to the hub, to be dropped: %s.</translation>
    </message>
    <message>
        <source>Đăng xuất</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Đang đọc danh mục địa bàn, đơn vị, lĩnh vực…</source>
        <translation>Reading the units, agencies and categories…</translation>
    </message>
    <message>
        <source>Lần chạy đầu tiên: đang tạo dữ liệu mẫu của tỉnh Ninh Thuận…</source>
        <translation>First run: generating the demo data of Ninh Thuận province…</translation>
    </message>
    <message>
        <source>Đang ghi %s phản ánh mẫu vào kho dữ liệu…</source>
        <translation>Writing %s demo reports into the local data…</translation>
    </message>
    <message>
        <source>Đang mở kho dữ liệu…</source>
        <translation>Opening the local data…</translation>
    </message>
    <message>
        <source>Đang tải danh sách phản ánh…</source>
        <translation>Loading the report queue…</translation>
    </message>
    <message>
        <source>Tạm dừng (chờ bổ sung)</source>
        <translation>Paused (waiting for information)</translation>
    </message>
    <message>
        <source>Hạn phân loại tại IOC</source>
        <translation>IOC triage deadline</translation>
    </message>
    <message>
        <source>Hạn tiếp nhận của đơn vị</source>
        <translation>Agency acceptance deadline</translation>
    </message>
    <message>
        <source>Hạn xử lý của đơn vị</source>
        <translation>Agency resolution deadline</translation>
    </message>
    <message>
        <source>Hạn trả lời công dân</source>
        <translation>Citizen reply deadline</translation>
    </message>
    <message>
        <source>Máy chủ IOC: %s</source>
        <translation>IOC hub: %s</translation>
    </message>
    <message>
        <source>Dữ liệu mẫu trên máy: %s</source>
        <translation>Local demo data: %s</translation>
    </message>
    <message>
        <source>Bản đồ nền của cơ quan</source>
        <translation>The organisation&apos;s basemap</translation>
    </message>
    <message>
        <source>Phản ánh mới được chuyển đến đơn vị: %s</source>
        <translation>New reports forwarded to your agency: %s</translation>
    </message>
    <message>
        <source>&amp;Thống kê…</source>
        <translation>&amp;Statistics…</translation>
    </message>
    <message>
        <source>Thống kê — IOC Console</source>
        <translation>Statistics — IOC Console</translation>
    </message>
    <message>
        <source>Báo cáo &amp;giao ca…</source>
        <translation>Shift &amp;handover…</translation>
    </message>
    <message>
        <source>Không mở được dữ liệu</source>
        <translation>The data could not be opened</translation>
    </message>
    <message>
        <source>Danh mục địa bàn, đơn vị, lĩnh vực có lỗi.</source>
        <translation>The list of units, agencies and categories has an error.</translation>
    </message>
    <message>
        <source>Không kết nối được máy chủ IOC và trên máy chưa có bản dữ liệu nào để làm việc ngoại tuyến.</source>
        <translation>Could not reach the IOC hub, and this machine has no copy of the data to work on offline yet.</translation>
    </message>
    <message>
        <source>Không đọc hoặc ghi được thư mục dữ liệu.</source>
        <translation>The data folder cannot be read or written.</translation>
    </message>
    <message>
        <source>Đã xảy ra lỗi không mong đợi.</source>
        <translation>An unexpected error occurred.</translation>
    </message>
</context>
<context>
    <name>DuplicateListModel</name>
    <message>
        <source>chưa rõ vị trí</source>
        <extracomment>The report number of a suggestion (``str``). The :class:`~ioc_console.domain.duplicates.Suggestion` itself. Kinds of unit that bound the store&apos;s search (the district a ward or commune lies in). The most reports read for one search (a week of one district is far fewer). Characters of a suggestion&apos;s text shown in the list (the tooltip has the rest).</extracomment>
        <translation>location unknown</translation>
    </message>
    <message>
        <source>cùng xã, phường</source>
        <translation>same commune or ward</translation>
    </message>
    <message>
        <source>cùng vị trí</source>
        <translation>same place</translation>
    </message>
    <message>
        <source>cách %s m</source>
        <translation>%s m away</translation>
    </message>
</context>
<context>
    <name>DuplicatePanel</name>
    <message>
        <source>Phản ánh có thể trùng</source>
        <translation>Possible duplicates</translation>
    </message>
    <message>
        <source>&amp;Mở phản ánh</source>
        <translation>&amp;Open the report</translation>
    </message>
    <message>
        <source>&amp;Gộp phản ánh…</source>
        <translation>&amp;Merge reports…</translation>
    </message>
    <message>
        <source>Đánh dấu một trong hai phản ánh là trùng; lịch sử của cả hai được giữ nguyên.</source>
        <translation>Mark one of the two reports as a duplicate; the history of both is kept.</translation>
    </message>
    <message>
        <source>Chưa đủ thông tin để tìm phản ánh trùng.</source>
        <translation>Not enough information yet to look for duplicates.</translation>
    </message>
    <message>
        <source>Đang tìm phản ánh tương tự…</source>
        <translation>Looking for similar reports…</translation>
    </message>
    <message>
        <source>%s phản ánh gần đó trong 7 ngày có nội dung tương tự:</source>
        <translation>%s reports nearby in the last 7 days say something similar:</translation>
    </message>
    <message>
        <source>Không có phản ánh tương tự gần đó trong 7 ngày.</source>
        <translation>No similar report nearby in the last 7 days.</translation>
    </message>
</context>
<context>
    <name>EscalateDialog</name>
    <message>
        <source>Báo khẩn phản ánh %1</source>
        <translation>Escalate report %1</translation>
    </message>
    <message>
        <source>Ghi chú báo khẩn (bắt buộc: vì sao, cần làm gì):</source>
        <translation>Escalation note (required: why, and what must be done):</translation>
    </message>
    <message>
        <source>Vui lòng nhập ghi chú báo khẩn.</source>
        <translation>Please enter the escalation note.</translation>
    </message>
    <message>
        <source>Mức ưu tiên hiện nay:</source>
        <translation>Current priority:</translation>
    </message>
    <message>
        <source>Mức ưu tiên mới:</source>
        <translation>New priority:</translation>
    </message>
</context>
<context>
    <name>FlagWords</name>
    <message numerus="yes">
        <source>%Ln phản ánh mới</source>
        <extracomment>How often the watcher looks (milliseconds). At most one notification in this many seconds. How long a notification stays up (milliseconds; the desktop may cut it short).</extracomment>
        <translation>
            <numerusform>%Ln new report</numerusform>
            <numerusform>%Ln new reports</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln phản ánh vừa quá hạn</source>
        <translation>
            <numerusform>%Ln report just turned overdue</numerusform>
            <numerusform>%Ln reports just turned overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln quá hạn</source>
        <translation>
            <numerusform>%Ln overdue</numerusform>
            <numerusform>%Ln overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln sắp đến hạn</source>
        <translation>
            <numerusform>%Ln due soon</numerusform>
            <numerusform>%Ln due soon</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ForwardNoteDialog</name>
    <message>
        <source>Chuyển xử lý</source>
        <translation>Forward</translation>
    </message>
    <message numerus="yes">
        <source>Chuyển %n phản ánh cho %1?</source>
        <translation>
            <numerusform>Forward %n report to %1?</numerusform>
            <numerusform>Forward %n reports to %1?</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Ghi chú:</source>
        <translation>&amp;Note:</translation>
    </message>
    <message>
        <source>Ghi chú cho đơn vị (không bắt buộc)</source>
        <translation>A note for the agency (optional)</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>GroupModel</name>
    <message>
        <source>Tiếp nhận</source>
        <extracomment>Groups drawn in the chart (the table holds all of them).</extracomment>
        <translation>Received</translation>
    </message>
    <message>
        <source>Đã xử lý</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>Đúng hạn</source>
        <translation>On time</translation>
    </message>
    <message>
        <source>Trễ hạn</source>
        <translation>Late</translation>
    </message>
    <message>
        <source>Quá hạn chưa xử lý</source>
        <translation>Overdue, still open</translation>
    </message>
    <message>
        <source>Tỷ lệ đúng hạn</source>
        <translation>On-time rate</translation>
    </message>
    <message>
        <source>Tỷ lệ hài lòng</source>
        <translation>Satisfaction rate</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>Báo cáo giao ca</source>
        <extracomment>A shift, by default.</extracomment>
        <translation>Shift handover</translation>
    </message>
    <message>
        <source>&amp;Lập báo cáo</source>
        <translation>&amp;Make the report</translation>
    </message>
    <message>
        <source>Lưu &amp;PDF…</source>
        <translation>Save &amp;PDF…</translation>
    </message>
    <message>
        <source>Xuất &amp;bảng tính…</source>
        <translation>Export &amp;spreadsheet…</translation>
    </message>
    <message>
        <source>Ca từ</source>
        <translation>Shift from</translation>
    </message>
    <message>
        <source>đến</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Thời điểm kết thúc ca phải sau thời điểm bắt đầu.</source>
        <translation>The shift must end after it starts.</translation>
    </message>
    <message>
        <source>Đang lập báo cáo…</source>
        <translation>Making the report…</translation>
    </message>
    <message>
        <source>Không đọc được số liệu của ca: %s</source>
        <translation>Could not read the shift&apos;s figures: %s</translation>
    </message>
    <message>
        <source>Số phản ánh</source>
        <translation>Report number</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Lĩnh vực</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Địa bàn</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation>Reply due</translation>
    </message>
    <message>
        <source>BÁO CÁO GIAO CA — %s</source>
        <translation>SHIFT HANDOVER — %s</translation>
    </message>
    <message>
        <source>Ca từ %1 đến %2; lập lúc %3</source>
        <translation>Shift from %1 to %2; made at %3</translation>
    </message>
    <message>
        <source>Tiếp nhận trong ca: %1 · Thao tác trong ca: %2 · Quá hạn hiện nay: %3</source>
        <translation>Received in the shift: %1 · Actions in the shift: %2 · Overdue now: %3</translation>
    </message>
    <message>
        <source>Lúc</source>
        <translation>At</translation>
    </message>
    <message>
        <source>Người thực hiện</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Việc làm</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Người thực hiện (số thao tác): %s</source>
        <translation>Staff (actions taken): %s</translation>
    </message>
    <message>
        <source>1. Phản ánh tiếp nhận trong ca</source>
        <translation>1. Reports received in the shift</translation>
    </message>
    <message>
        <source>2. Việc đã làm trong ca</source>
        <translation>2. What was done in the shift</translation>
    </message>
    <message>
        <source>3. Phản ánh đang quá hạn</source>
        <translation>3. Reports overdue now</translation>
    </message>
    <message>
        <source>Không có.</source>
        <translation>None.</translation>
    </message>
    <message>
        <source>Đang lưu…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>Không ghi được tệp %1: %2</source>
        <translation>The file %1 could not be written: %2</translation>
    </message>
    <message>
        <source>Lưu báo cáo giao ca</source>
        <translation>Save the shift handover</translation>
    </message>
    <message>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <source>Xuất báo cáo giao ca</source>
        <translation>Export the shift handover</translation>
    </message>
    <message>
        <source>Bảng tính Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel workbook (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Không lưu được tệp</source>
        <translation>Could not save the file</translation>
    </message>
    <message>
        <source>Đã lưu: %s</source>
        <translation>Saved: %s</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Người thực hiện</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Thao tác</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Lĩnh vực: %s</source>
        <translation>Category: %s</translation>
    </message>
    <message>
        <source>Chuyển đến: %s</source>
        <translation>Forwarded to: %s</translation>
    </message>
    <message>
        <source>Đơn vị trả lại: %s</source>
        <translation>Returned by: %s</translation>
    </message>
    <message>
        <source>Vị trí mới: %s</source>
        <translation>New location: %s</translation>
    </message>
    <message>
        <source>Mức ưu tiên: %s</source>
        <translation>Priority: %s</translation>
    </message>
    <message>
        <source>Trùng với phản ánh %s</source>
        <translation>Duplicate of report %s</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Không hài lòng</source>
        <translation>Not satisfied</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>Hạn xử lý của đơn vị</source>
        <extracomment>The most reports the inbox holds (an agency&apos;s open reports are far fewer). What the agency has handled: resolved (awaiting the IOC&apos;s reply) or closed with the reply.</extracomment>
        <translation>Agency&apos;s deadline</translation>
    </message>
    <message>
        <source>Hạn trả lời công dân</source>
        <translation>Citizen reply deadline</translation>
    </message>
    <message>
        <source>Số phản ánh</source>
        <translation>Report number</translation>
    </message>
    <message>
        <source>Lĩnh vực</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Địa bàn</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Sắp đến hạn</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source> · chờ gửi</source>
        <translation> · waiting to send</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <source>&amp;Ghi nhận phản ánh</source>
        <extracomment>Limits of the hub&apos;s intake (``hub/validate.py``), checked here first so nothing is refused later. &quot;Gọi lại lúc…&quot; starts this long after the form opens. Vietnamese numbers in national form: mobiles (03, 05, 07, 08, 09 + 8 digits) and landlines (02 + area code + subscriber: 11 digits in all). What a typed phone number may hold besides digits. The text typed in the unit field when it names no unit (for the message). When the call began (the form opens as the phone is picked up): the report&apos;s receipt. The question &quot;the point or the ward typed?&quot; while it is open. The &quot;discard the call?&quot; question while it is open.</extracomment>
        <translation>&amp;Record the report</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Chọn lĩnh vực và địa bàn (hoặc một điểm trên bản đồ) để xem phản ánh trùng.</source>
        <translation>Choose a category and an area (or a point on the map) to see possible duplicates.</translation>
    </message>
    <message>
        <source>Nhắc gọi lại cho người phản ánh vào lúc này</source>
        <translation>Remind me to call the citizen back at this time</translation>
    </message>
    <message>
        <source>bắt đầu %1 · đã %2</source>
        <translation>began %1 · %2 so far</translation>
    </message>
    <message>
        <source>Điểm và xã, phường không khớp</source>
        <translation>The point and the ward disagree</translation>
    </message>
    <message>
        <source>Điểm vừa chọn trên bản đồ thuộc «%1», khác với «%2» đã nhập. Bên nào đúng?</source>
        <translation>The point just picked on the map lies in “%1”, not in “%2” as typed. Which is right?</translation>
    </message>
    <message>
        <source>Theo &amp;bản đồ: %s</source>
        <translation>As on the &amp;map: %s</translation>
    </message>
    <message>
        <source>&amp;Giữ %s</source>
        <translation>&amp;Keep %s</translation>
    </message>
    <message>
        <source>Chưa chọn — nhấp vào bản đồ để đánh dấu vị trí</source>
        <translation>Not chosen — click the map to mark the location</translation>
    </message>
    <message>
        <source>%1 / %2 ký tự</source>
        <translation>%1 / %2 characters</translation>
    </message>
    <message>
        <source>Chưa ghi được phản ánh, nội dung vẫn còn nguyên: %s</source>
        <translation>The report was not recorded; what you typed is still here: %s</translation>
    </message>
    <message>
        <source>Bỏ cuộc gọi đang nhập?</source>
        <translation>Discard the call being entered?</translation>
    </message>
    <message>
        <source>Nội dung đã nhập sẽ không được lưu. Nhấn Enter để bỏ, Esc để tiếp tục nhập.</source>
        <translation>What you typed will not be saved. Press Enter to discard, Esc to keep typing.</translation>
    </message>
    <message>
        <source>&amp;Bỏ cuộc gọi</source>
        <translation>&amp;Discard the call</translation>
    </message>
    <message>
        <source>&amp;Tiếp tục nhập</source>
        <translation>&amp;Keep typing</translation>
    </message>
    <message>
        <source>Tiếp nhận cuộc gọi đường dây nóng — IOC Console</source>
        <translation>Hotline call intake — IOC Console</translation>
    </message>
    <message>
        <source>Ghi lại cuộc gọi thành một phản ánh mới. Phản ánh được lưu trên máy ngay và gửi lên máy chủ khi có kết nối.</source>
        <translation>Record the call as a new report. The report is saved on this computer at once and sent to the server when there is a connection.</translation>
    </message>
    <message>
        <source>&amp;Họ tên người gọi:</source>
        <translation>Caller&apos;s &amp;name:</translation>
    </message>
    <message>
        <source>Có thể để trống nếu người gọi không muốn nêu tên</source>
        <translation>May be left empty if the caller does not want to give a name</translation>
    </message>
    <message>
        <source>&amp;Số điện thoại:</source>
        <translation>&amp;Phone number:</translation>
    </message>
    <message>
        <source>Ví dụ: 0905 123 456 hoặc 0259 3822 123</source>
        <translation>For example: 0905 123 456 or 0259 3822 123</translation>
    </message>
    <message>
        <source>&amp;Lĩnh vực:</source>
        <translation>&amp;Category:</translation>
    </message>
    <message>
        <source>— Chọn lĩnh vực —</source>
        <translation>— Choose a category —</translation>
    </message>
    <message>
        <source>&amp;Nội dung phản ánh:</source>
        <translation>&amp;Description:</translation>
    </message>
    <message>
        <source>Sự việc người gọi phản ánh: cái gì, ở đâu, từ bao giờ, mức độ ảnh hưởng…</source>
        <translation>What the caller reports: what, where, since when, how serious…</translation>
    </message>
    <message>
        <source>Địa &amp;bàn (xã, phường):</source>
        <translation>&amp;Area (commune, ward):</translation>
    </message>
    <message>
        <source>Đị&amp;a chỉ cụ thể:</source>
        <translation>Street a&amp;ddress:</translation>
    </message>
    <message>
        <source>Số nhà, tên đường, thôn, khu phố, địa danh gần đó…</source>
        <translation>House number, street, hamlet, quarter, a landmark nearby…</translation>
    </message>
    <message>
        <source>Vị trí trên bản đồ:</source>
        <translation>Location on the map:</translation>
    </message>
    <message>
        <source>&amp;Xóa điểm</source>
        <translation>&amp;Clear the point</translation>
    </message>
    <message>
        <source>Mức ưu &amp;tiên:</source>
        <translation>P&amp;riority:</translation>
    </message>
    <message>
        <source>Cuộc gọi:</source>
        <translation>Call:</translation>
    </message>
    <message>
        <source>&amp;Gọi lại lúc:</source>
        <translation>&amp;Call back at:</translation>
    </message>
    <message>
        <source>Ctrl+Enter: ghi nhận · Esc: hủy · Alt + chữ gạch chân: chuyển đến ô nhập</source>
        <translation>Ctrl+Enter: record · Esc: cancel · Alt + underlined letter: go to a field</translation>
    </message>
    <message>
        <source>Vị trí trên bản đồ (nhấp để đánh dấu)</source>
        <translation>Place on the map (click to mark it)</translation>
    </message>
    <message>
        <source>Phản ánh có thể trùng</source>
        <translation>Possible duplicates</translation>
    </message>
</context>
<context>
    <name>LiaisonWorkspace</name>
    <message>
        <source>Phản ánh chuyển đến %1</source>
        <extracomment>The last action taken here, until the hub has it: (its words, the report&apos;s number). The sync engine&apos;s last word (None: no hub, the action waits in the outbox).</extracomment>
        <translation>Reports forwarded to %1</translation>
    </message>
    <message>
        <source>Tài khoản chưa gắn với đơn vị xử lý nào.</source>
        <translation>This account is not linked to any agency.</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>In hand</translation>
    </message>
    <message>
        <source>Đã xử lý</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>Tìm: số phản ánh, nội dung, địa chỉ, địa bàn…</source>
        <translation>Search: report number, words, address, place…</translation>
    </message>
    <message>
        <source>&amp;Tiếp nhận xử lý</source>
        <translation>&amp;Accept</translation>
    </message>
    <message>
        <source>T&amp;rả lại IOC…</source>
        <translation>&amp;Return to the IOC…</translation>
    </message>
    <message>
        <source>Cập nhật &amp;tiến độ…</source>
        <translation>Progress &amp;note…</translation>
    </message>
    <message>
        <source>Báo cáo &amp;kết quả…</source>
        <translation>Report the &amp;result…</translation>
    </message>
    <message>
        <source>&amp;Gọi người phản ánh…</source>
        <translation>&amp;Call the citizen…</translation>
    </message>
    <message>
        <source>Lấy họ tên và số điện thoại của người phản ánh từ máy chủ. Việc xem được ghi lại.</source>
        <translation>Get the citizen&apos;s name and phone number from the hub. The read is recorded.</translation>
    </message>
    <message>
        <source>&amp;Xuất danh sách…</source>
        <translation>E&amp;xport list…</translation>
    </message>
    <message>
        <source>Xuất các phản ánh trong danh sách ra tệp Excel hoặc CSV</source>
        <translation>Export the reports in the list to an Excel or CSV file</translation>
    </message>
    <message>
        <source>Danh sách</source>
        <translation>List</translation>
    </message>
    <message>
        <source>Bản đồ</source>
        <translation>Map</translation>
    </message>
    <message>
        <source>%1 phản ánh · %2 chờ tiếp nhận · %3 quá hạn</source>
        <translation>%1 reports · %2 to accept · %3 overdue</translation>
    </message>
    <message>
        <source>Không đọc được danh sách phản ánh.</source>
        <translation>Could not read the list of reports.</translation>
    </message>
    <message>
        <source>Địa bàn: %1</source>
        <translation>Area: %1</translation>
    </message>
    <message>
        <source>Địa chỉ: %1</source>
        <translation>Address: %1</translation>
    </message>
    <message>
        <source>Mức ưu tiên: %1</source>
        <translation>Priority: %1</translation>
    </message>
    <message>
        <source>Tiếp nhận: %1</source>
        <translation>Received: %1</translation>
    </message>
    <message>
        <source>Hạn xử lý của đơn vị: %1</source>
        <translation>Agency&apos;s deadline: %1</translation>
    </message>
    <message>
        <source>Hạn trả lời công dân: %1</source>
        <translation>Citizen reply deadline: %1</translation>
    </message>
    <message>
        <source>IOC đã đôn đốc %1 lần, lần cuối %2</source>
        <translation>The IOC has reminded you %1 times, last on %2</translation>
    </message>
    <message>
        <source>Diễn biến:</source>
        <translation>History:</translation>
    </message>
    <message>
        <source>Cần kết nối máy chủ IOC để lấy số điện thoại người phản ánh.</source>
        <translation>The citizen&apos;s phone number comes from the IOC hub: connect to it first.</translation>
    </message>
    <message>
        <source>Đang lấy thông tin liên hệ…</source>
        <translation>Getting the contact…</translation>
    </message>
    <message>
        <source>Người phản ánh: %1</source>
        <translation>Citizen: %1</translation>
    </message>
    <message>
        <source>Điện thoại: %1</source>
        <translation>Phone: %1</translation>
    </message>
    <message>
        <source>Thư điện tử: %1</source>
        <translation>E-mail: %1</translation>
    </message>
    <message>
        <source>Người phản ánh không để lại thông tin liên hệ.</source>
        <translation>The citizen left no contact.</translation>
    </message>
    <message>
        <source>Trả lại phản ánh %1 cho IOC</source>
        <translation>Return report %1 to the IOC</translation>
    </message>
    <message>
        <source>Lý do trả lại (bắt buộc):</source>
        <translation>Reason for returning (required):</translation>
    </message>
    <message>
        <source>Vui lòng nhập lý do trả lại.</source>
        <translation>Please give the reason for returning it.</translation>
    </message>
    <message>
        <source>Cập nhật tiến độ phản ánh %1</source>
        <translation>Progress on report %1</translation>
    </message>
    <message>
        <source>Nội dung tiến độ (bắt buộc):</source>
        <translation>Progress (required):</translation>
    </message>
    <message>
        <source>Vui lòng nhập nội dung tiến độ.</source>
        <translation>Please describe the progress.</translation>
    </message>
    <message>
        <source>Báo cáo kết quả xử lý phản ánh %1</source>
        <translation>Result of handling report %1</translation>
    </message>
    <message>
        <source>Kết quả xử lý (bắt buộc):</source>
        <translation>Result (required):</translation>
    </message>
    <message>
        <source>Vui lòng nhập kết quả xử lý.</source>
        <translation>Please describe the result.</translation>
    </message>
    <message>
        <source>Không lưu được ảnh đính kèm trên máy này, chưa gửi gì: %1</source>
        <translation>The attached photos could not be saved on this computer; nothing was sent: %1</translation>
    </message>
    <message>
        <source>Phản ánh chuyển sang danh sách «Đã xử lý».</source>
        <translation>The report moves to the “Handled” list.</translation>
    </message>
    <message>
        <source>Phản ánh đã trả về IOC.</source>
        <translation>The report went back to the IOC.</translation>
    </message>
    <message>
        <source>✔ Đã ghi «%1» cho %2.</source>
        <translation>✔ “%1” recorded for %2.</translation>
    </message>
    <message>
        <source>Đang chờ gửi lên máy chủ.</source>
        <translation>Waiting to be sent to the hub.</translation>
    </message>
    <message>
        <source>Đang mất kết nối: %1 thao tác chờ gửi trên máy này, sẽ tự gửi khi có kết nối lại.</source>
        <translation>Offline: %1 actions waiting on this computer; they are sent by themselves once the connection is back.</translation>
    </message>
    <message>
        <source>Đang gửi lên máy chủ…</source>
        <translation>Sending to the hub…</translation>
    </message>
    <message>
        <source>✔ Máy chủ đã nhận «%1» cho %2.</source>
        <translation>✔ The hub has received “%1” for %2.</translation>
    </message>
    <message>
        <source>Xuất danh sách phản ánh</source>
        <translation>Export the list of reports</translation>
    </message>
    <message>
        <source>Bảng tính Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel workbook (*.xlsx);;CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>LogCallDialog</name>
    <message>
        <source>Ghi nhận cuộc gọi</source>
        <translation>Log a call</translation>
    </message>
    <message>
        <source>&amp;Ghi nhận cuộc gọi</source>
        <translation>&amp;Log the call</translation>
    </message>
    <message>
        <source>(không để lại liên hệ)</source>
        <translation>(no contact left)</translation>
    </message>
    <message>
        <source>Người phản ánh:</source>
        <translation>Citizen:</translation>
    </message>
    <message>
        <source>Gọi điện cho người phản ánh</source>
        <translation>Called the citizen</translation>
    </message>
    <message>
        <source>Người phản ánh gọi đến</source>
        <translation>The citizen called</translation>
    </message>
    <message>
        <source>&amp;Cuộc gọi:</source>
        <translation>&amp;Call:</translation>
    </message>
    <message>
        <source>Đã trao đổi</source>
        <translation>Talked</translation>
    </message>
    <message>
        <source>Không nghe máy</source>
        <translation>No answer</translation>
    </message>
    <message>
        <source>Máy bận, hẹn gọi lại</source>
        <translation>Busy, to call back</translation>
    </message>
    <message>
        <source>Sai số điện thoại</source>
        <translation>Wrong number</translation>
    </message>
    <message>
        <source>&amp;Kết quả:</source>
        <translation>&amp;Outcome:</translation>
    </message>
    <message>
        <source>Nội dung trao đổi, ví dụ: công dân xác nhận vị trí trước số 25 Ngô Gia Tự.</source>
        <translation>What was said, e.g. the citizen confirmed the place in front of 25 Ngô Gia Tự.</translation>
    </message>
    <message>
        <source>&amp;Nội dung:</source>
        <translation>&amp;Content:</translation>
    </message>
    <message>
        <source>Cần ghi nội dung đã trao đổi với người phản ánh.</source>
        <translation>Write down what was said with the citizen.</translation>
    </message>
    <message>
        <source>Nội dung cuộc gọi quá dài.</source>
        <translation>The call notes are too long.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Phản ánh hiện trường — IOC Console</source>
        <extracomment>Next and previous report in the queue, from anywhere in the window. The window&apos;s size when nothing else decides it (the smallest screen the console is made for). The first shares of the queue and the details beside it (QSplitter weighs sizes relatively). Keys of the window&apos;s own geometry in QSettings (nothing else of the window is kept there). Whether a new or newly overdue report sounds (&quot;on&quot;/&quot;off&quot;; off until the user turns it on). The operator&apos;s saved views of the queue (JSON: name -&gt; filter). The docks&apos; places and sizes (QMainWindow.saveState), with its version below. Refresh the queue this often so that deadline states move on without anyone asking. The window changed size while its panes still have their first shares (the workspace sizes its docks again); the user moving the splitter, or a layout kept from the last run, ends it. Whether the workspace docks the live map (QtWebEngine); the console always does, tests that run without QtWebEngine turn it off before the data opens.</extracomment>
        <translation>Field reports — IOC Console</translation>
    </message>
    <message>
        <source>Đang mở dữ liệu…</source>
        <translation>Opening the data…</translation>
    </message>
    <message>
        <source>&amp;Tệp</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Làm mới danh sách</source>
        <translation>&amp;Refresh the queue</translation>
    </message>
    <message>
        <source>&amp;Tìm kiếm</source>
        <translation>&amp;Find</translation>
    </message>
    <message>
        <source>&amp;Thoát</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Phản ánh</source>
        <translation>&amp;Reports</translation>
    </message>
    <message>
        <source>&amp;Xem</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Bảng</source>
        <translation>&amp;Panels</translation>
    </message>
    <message>
        <source>&amp;Giao diện</source>
        <translation>&amp;Appearance</translation>
    </message>
    <message>
        <source>Theo &amp;hệ thống</source>
        <translation>Follow the &amp;system</translation>
    </message>
    <message>
        <source>&amp;Sáng</source>
        <translation>&amp;Light</translation>
    </message>
    <message>
        <source>&amp;Tối</source>
        <translation>&amp;Dark</translation>
    </message>
    <message>
        <source>Â&amp;m báo phản ánh mới và vừa quá hạn</source>
        <translation>&amp;Sound on new and newly overdue reports</translation>
    </message>
    <message>
        <source>Phản ánh &amp;tiếp theo</source>
        <translation>&amp;Next report</translation>
    </message>
    <message>
        <source>Phản ánh &amp;trước</source>
        <translation>&amp;Previous report</translation>
    </message>
    <message>
        <source>&amp;Đặt lại bố cục</source>
        <translation>&amp;Reset the layout</translation>
    </message>
    <message>
        <source>&amp;Ngôn ngữ</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;Trợ giúp</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Giới thiệu IOC Console</source>
        <translation>&amp;About IOC Console</translation>
    </message>
    <message>
        <source>Chỉ hiện các phản ánh quá hạn</source>
        <translation>Show only overdue reports</translation>
    </message>
    <message>
        <source>Chỉ hiện các phản ánh sắp đến hạn</source>
        <translation>Show only reports due soon</translation>
    </message>
    <message>
        <source>Quá hạn: %s</source>
        <translation>Overdue: %s</translation>
    </message>
    <message>
        <source>Sắp đến hạn: %s</source>
        <translation>Due soon: %s</translation>
    </message>
    <message>
        <source>Không đọc được phản ánh %s.</source>
        <translation>Report %s could not be read.</translation>
    </message>
    <message>
        <source>Ngôn ngữ</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Ngôn ngữ mới được áp dụng khi mở lại IOC Console.</source>
        <translation>The new language applies when IOC Console is opened again.</translation>
    </message>
    <message>
        <source>Giới thiệu IOC Console</source>
        <translation>About IOC Console</translation>
    </message>
    <message>
        <source>IOC Console — bàn làm việc của Trung tâm Giám sát, điều hành đô thị thông minh cho dịch vụ Phản ánh hiện trường: tiếp nhận, phân loại, chuyển xử lý và theo dõi hạn trả lời phản ánh của người dân.</source>
        <translation>IOC Console — the workstation of the Intelligent Operations Center for the Field Reports service: receiving, classifying and forwarding citizens&apos; reports, and watching their reply deadlines.</translation>
    </message>
</context>
<context>
    <name>MapWidget</name>
    <message>
        <source>Bản đồ nền ngoại tuyến</source>
        <extracomment>Reports per message when a full set is sent. The kind of unit a name begins with, as the map writes it: districts by their name alone (as maps of Vietnam do), cities and towns abbreviated, so that names fit between the reports. A full set is arriving in parts (begin_reports ... end_reports). The page&apos;s own timing of the last full load, in ms: index build, total (first chunk to drawn), putting rows into columns, parsing, first chunk to last.</extracomment>
        <translation>Offline base map</translation>
    </message>
    <message>
        <source>Chờ IOC xử lý (chấm trắng)</source>
        <translation>Waiting for the IOC (white dot)</translation>
    </message>
    <message>
        <source>Chờ người dân bổ sung (rỗng)</source>
        <translation>Waiting for the citizen (hollow)</translation>
    </message>
    <message>
        <source>Đã xử lý, chờ trả lời (viền xanh lá)</source>
        <translation>Resolved, reply pending (green ring)</translation>
    </message>
    <message>
        <source>Đã kết thúc</source>
        <translation>Finished</translation>
    </message>
    <message>
        <source>Nhóm phản ánh (số đỏ: quá hạn; cả nhóm đỏ: đều quá hạn)</source>
        <translation>Group of reports (red number: overdue; all red: every one overdue)</translation>
    </message>
    <message>
        <source>Chú giải</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>{count} phản ánh</source>
        <translation>{count} reports</translation>
    </message>
    <message>
        <source>{overdue} quá hạn</source>
        <translation>{overdue} overdue</translation>
    </message>
    <message>
        <source>Đang tải…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Thao tác đang chờ gửi lên máy chủ</source>
        <translation>Action waiting to be sent to the server</translation>
    </message>
    <message>
        <source>Kéo để dời vị trí phản ánh</source>
        <translation>Drag to move the report&apos;s location</translation>
    </message>
    <message>
        <source>Không tải được bản đồ nền</source>
        <translation>The base map could not be loaded</translation>
    </message>
    <message>
        <source>Bản đồ chỉ có bờ biển, biên giới (Natural Earth) và khung tỉnh (gần đúng).</source>
        <translation>Showing only the coast, borders (Natural Earth) and the province&apos;s approximate frame.</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Gộp phản ánh trùng</source>
        <translation>Merge duplicate reports</translation>
    </message>
    <message>
        <source>&amp;Gộp phản ánh</source>
        <translation>&amp;Merge</translation>
    </message>
    <message>
        <source>Gộp %1 và %2</source>
        <translation>Merge %1 and %2</translation>
    </message>
    <message>
        <source>Phản ánh trùng được đóng và trỏ đến phản ánh gốc; lịch sử của cả hai được giữ nguyên.</source>
        <translation>The duplicate is closed and points to the original; the history of both is kept.</translation>
    </message>
    <message>
        <source>Tiếp nhận:</source>
        <translation>Received:</translation>
    </message>
    <message>
        <source>Trạng thái:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Lĩnh vực:</source>
        <translation>Category:</translation>
    </message>
    <message>
        <source>Địa điểm:</source>
        <translation>Place:</translation>
    </message>
    <message>
        <source>Nội dung:</source>
        <translation>Description:</translation>
    </message>
    <message>
        <source>Lịch sử:</source>
        <translation>History:</translation>
    </message>
    <message>
        <source>%s bước xử lý</source>
        <translation>%s steps</translation>
    </message>
    <message>
        <source>%1 là bản trùng của %2 (giữ %2)</source>
        <translation>%1 is a duplicate of %2 (keep %2)</translation>
    </message>
    <message>
        <source>Gộp thế nào:</source>
        <translation>How to merge:</translation>
    </message>
</context>
<context>
    <name>MultiChoice</name>
    <message numerus="yes">
        <source>%n mục</source>
        <translation>
            <numerusform>%n chosen</numerusform>
            <numerusform>%n chosen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>Ảnh hiện trường</source>
        <translation>Photos</translation>
    </message>
</context>
<context>
    <name>PhotoStripModel</name>
    <message>
        <source>Ảnh khi phản ánh</source>
        <extracomment>Thumbnails are scaled to fit this square (logical pixels). Photos larger than this are refused (a photo, not a film). Photos are kept decoded at most this many pixels on their longer side (the viewer fits them to the window), so a photo held in memory takes at most some 26 MB. What one decode may allocate (MB): a photo of the pixel budget, at four bytes a pixel. The disk cache is trimmed (oldest first) when it grows past this. Decoded photos kept in memory (thumbnails and full images). The attachment id of a row (``str``). Why there is no image (a short reason, in English, for the log); None when decoded.</extracomment>
        <translation>Photos sent with the report</translation>
    </message>
    <message>
        <source>Ảnh trong khi xử lý</source>
        <translation>Photos taken while handling</translation>
    </message>
    <message>
        <source>Ảnh kết quả xử lý</source>
        <translation>Photos of the result</translation>
    </message>
    <message>
        <source>Hiện trường</source>
        <extracomment>Under each thumbnail: the stage in a word or two, and the date.</extracomment>
        <translation>On site</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>Kết quả</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Đang tải ảnh…</source>
        <translation>Loading the photo…</translation>
    </message>
    <message>
        <source>Không xem được ảnh này</source>
        <translation>This photo cannot be shown</translation>
    </message>
    <message>
        <source>Ảnh</source>
        <translation>Photo</translation>
    </message>
    <message>
        <source>không xem được ảnh này</source>
        <translation>this photo cannot be shown</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Ảnh hiện trường</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>← Ảnh &amp;trước</source>
        <translation>← &amp;Previous photo</translation>
    </message>
    <message>
        <source>Ảnh &amp;sau →</source>
        <translation>&amp;Next photo →</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Ảnh %1/%2 · %3</source>
        <translation>Photo %1/%2 · %3</translation>
    </message>
    <message>
        <source>Đang tải ảnh…</source>
        <translation>Loading the photo…</translation>
    </message>
    <message>
        <source>Không xem được ảnh này: tệp ảnh bị hỏng hoặc chưa tải được. Hãy thử lại sau.</source>
        <translation>This photo cannot be shown: the file is damaged or not downloaded yet. Try again later.</translation>
    </message>
</context>
<context>
    <name>PointMap</name>
    <message>
        <source>Bản đồ chọn vị trí</source>
        <extracomment>Space around the province, in pixels.</extracomment>
        <translation>Field reports — IOC Console</translation>
    </message>
    <message>
        <source>Nhấp vào bản đồ để đánh dấu vị trí phản ánh</source>
        <translation>Click the map to mark where the report is</translation>
    </message>
</context>
<context>
    <name>PriorityDialog</name>
    <message>
        <source>Đặt mức ưu tiên</source>
        <translation>Set the priority</translation>
    </message>
    <message>
        <source>Đặt &amp;mức ưu tiên</source>
        <translation>Set the &amp;priority</translation>
    </message>
    <message>
        <source>&amp;Mức ưu tiên:</source>
        <translation>&amp;Priority:</translation>
    </message>
    <message>
        <source>Phản ánh đang ở mức ưu tiên này.</source>
        <translation>The report already has this priority.</translation>
    </message>
</context>
<context>
    <name>QueueFilterBar</name>
    <message>
        <source>Danh sách đang xem; lưu bộ lọc hiện tại thành một danh sách có tên</source>
        <extracomment>The built-in views.</extracomment>
        <translation>The list shown; save the current filter as a named list</translation>
    </message>
    <message>
        <source>Lưu…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <source>Lưu bộ lọc và thứ tự hiện tại thành một danh sách có tên</source>
        <translation>Save the current filter and order as a named list</translation>
    </message>
    <message>
        <source>Xóa</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Xóa danh sách đã lưu đang chọn</source>
        <translation>Delete the chosen saved list</translation>
    </message>
    <message>
        <source>Tìm theo số phản ánh, địa chỉ, nội dung, số điện thoại…</source>
        <extracomment>The queue&apos;s whole filter now (set by the window), kept by &quot;Lưu…&quot;.</extracomment>
        <translation>Search by report number, address, text, phone number…</translation>
    </message>
    <message>
        <source>Trạng thái: tất cả</source>
        <translation>Status: all</translation>
    </message>
    <message>
        <source>Trạng thái: </source>
        <translation>Status: </translation>
    </message>
    <message>
        <source>Chưa đóng</source>
        <translation>Not closed</translation>
    </message>
    <message>
        <source>Lĩnh vực: tất cả</source>
        <translation>Category: all</translation>
    </message>
    <message>
        <source>Lĩnh vực: </source>
        <translation>Category: </translation>
    </message>
    <message>
        <source>%s (ngừng tiếp nhận)</source>
        <translation>%s (no longer used)</translation>
    </message>
    <message>
        <source>Đơn vị xử lý: tất cả</source>
        <translation>Agency: all</translation>
    </message>
    <message>
        <source>Đơn vị: </source>
        <translation>Agency: </translation>
    </message>
    <message>
        <source>Địa bàn: tất cả</source>
        <translation>Area: all</translation>
    </message>
    <message>
        <source>Địa bàn: </source>
        <translation>Area: </translation>
    </message>
    <message>
        <source>Kênh: tất cả</source>
        <translation>Channel: all</translation>
    </message>
    <message>
        <source>Kênh: </source>
        <translation>Channel: </translation>
    </message>
    <message>
        <source>Hạn: tất cả</source>
        <translation>Deadline: all</translation>
    </message>
    <message>
        <source>Hạn: </source>
        <translation>Deadline: </translation>
    </message>
    <message>
        <source>Thời gian: tất cả</source>
        <translation>Received: any time</translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>7 ngày qua</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>30 ngày qua</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>Tháng này</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>Năm nay</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>Bỏ lọc</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <source>Bỏ mọi bộ lọc và nội dung tìm kiếm</source>
        <translation>Clear every filter and the search text</translation>
    </message>
    <message>
        <source>Cần xử lý</source>
        <translation>Needs action</translation>
    </message>
    <message>
        <source>Phản ánh đang chờ IOC và mọi phản ánh quá hạn, hạn gần nhất trước</source>
        <translation>Reports waiting for the IOC and every overdue report, nearest deadline first</translation>
    </message>
    <message>
        <source>Tất cả phản ánh</source>
        <translation>All reports</translation>
    </message>
    <message>
        <source>Lưu danh sách</source>
        <translation>Save list</translation>
    </message>
    <message>
        <source>Tên danh sách (bộ lọc và thứ tự hiện tại):</source>
        <translation>List name (current filter and order):</translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Đang đếm…</source>
        <translation>Counting…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln phản ánh</source>
        <translation>
            <numerusform>%Ln report</numerusform>
            <numerusform>%Ln reports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <source>Từ chối phản ánh</source>
        <translation>Reject the report</translation>
    </message>
    <message>
        <source>&amp;Từ chối phản ánh</source>
        <translation>&amp;Reject the report</translation>
    </message>
    <message>
        <source>Không phải phản ánh</source>
        <translation>Not a report</translation>
    </message>
    <message>
        <source>Không thuộc phạm vi tiếp nhận</source>
        <translation>Out of scope</translation>
    </message>
    <message>
        <source>Không bổ sung thông tin</source>
        <translation>Information never supplied</translation>
    </message>
    <message>
        <source>Ngoài địa bàn tỉnh</source>
        <translation>Outside the province</translation>
    </message>
    <message>
        <source>&amp;Lý do:</source>
        <translation>&amp;Reason:</translation>
    </message>
    <message>
        <source>&amp;Nội dung gửi công dân:</source>
        <translation>&amp;Message to the citizen:</translation>
    </message>
    <message>
        <source>lý do từ chối</source>
        <translation>reason for rejecting</translation>
    </message>
</context>
<context>
    <name>RelocateDialog</name>
    <message>
        <source>Sửa vị trí phản ánh</source>
        <translation>Change the report&apos;s location</translation>
    </message>
    <message>
        <source>Lưu &amp;vị trí</source>
        <translation>Save the &amp;location</translation>
    </message>
    <message>
        <source>Địa &amp;bàn (xã, phường):</source>
        <translation>&amp;Area (commune, ward):</translation>
    </message>
    <message>
        <source>Đị&amp;a chỉ cụ thể:</source>
        <translation>Street a&amp;ddress:</translation>
    </message>
    <message>
        <source>&amp;Xóa điểm</source>
        <translation>&amp;Clear the point</translation>
    </message>
    <message>
        <source>Vị trí trên bản đồ:</source>
        <translation>Location on the map:</translation>
    </message>
    <message>
        <source>Chưa chọn — nhấp vào bản đồ để đánh dấu vị trí</source>
        <translation>Not chosen — click the map to mark the location</translation>
    </message>
    <message>
        <source>Điểm vừa chọn nằm ngoài địa bàn tỉnh.</source>
        <translation>The point just chosen lies outside the province.</translation>
    </message>
    <message>
        <source>Điểm cũ trên bản đồ không thuộc xã, phường vừa chọn nên đã được bỏ.</source>
        <translation>The earlier point on the map is not in the chosen commune or ward, so it was removed.</translation>
    </message>
    <message>
        <source>Không có xã, phường nào tên «%s».</source>
        <translation>There is no commune or ward named “%s”.</translation>
    </message>
    <message>
        <source>Cần chọn xã, phường hoặc một điểm trên bản đồ.</source>
        <translation>Choose a commune or ward, or a point on the map.</translation>
    </message>
    <message>
        <source>Vị trí chưa thay đổi.</source>
        <translation>The location has not changed.</translation>
    </message>
</context>
<context>
    <name>RemindDialog</name>
    <message>
        <source>Đôn đốc đơn vị xử lý</source>
        <extracomment>Wordings of a reminder to the agency, by key (Vietnamese: stored as given).</extracomment>
        <translation>Remind the agency</translation>
    </message>
    <message>
        <source>&amp;Gửi đôn đốc</source>
        <translation>&amp;Send reminder</translation>
    </message>
    <message>
        <source>Đã quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Sắp đến hạn</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>Chưa tiếp nhận</source>
        <translation>Not accepted yet</translation>
    </message>
    <message>
        <source>Công dân hỏi lại</source>
        <translation>Citizen asked again</translation>
    </message>
    <message>
        <source>&amp;Lý do:</source>
        <translation>&amp;Reason:</translation>
    </message>
    <message>
        <source>&amp;Nội dung gửi đơn vị:</source>
        <translation>&amp;Message to the agency:</translation>
    </message>
    <message>
        <source>nội dung đôn đốc</source>
        <translation>reminder text</translation>
    </message>
    <message>
        <source>Gửi đến: %s</source>
        <translation>To: %s</translation>
    </message>
    <message>
        <source>đã đôn đốc %s lần</source>
        <translation>reminded %s times already</translation>
    </message>
</context>
<context>
    <name>ReplyDialog</name>
    <message>
        <source>Trả lời công dân</source>
        <translation>Reply to the citizen</translation>
    </message>
    <message>
        <source>&amp;Công khai trả lời</source>
        <translation>&amp;Publish the reply</translation>
    </message>
    <message>
        <source>Đơn vị xử lý:</source>
        <translation>Agency:</translation>
    </message>
    <message>
        <source>(đơn vị chưa báo cáo kết quả)</source>
        <translation>(the agency has not reported a result)</translation>
    </message>
    <message>
        <source>Kết quả xử lý:</source>
        <translation>Result:</translation>
    </message>
    <message>
        <source>&amp;Mẫu trả lời:</source>
        <translation>Reply &amp;template:</translation>
    </message>
    <message>
        <source>Điền &amp;lại theo mẫu</source>
        <translation>&amp;Refill from the template</translation>
    </message>
    <message>
        <source>&amp;Thư gửi công dân:</source>
        <translation>&amp;Letter to the citizen:</translation>
    </message>
    <message>
        <source>Gửi riêng cho người phản ánh và lưu trong hồ sơ; không công khai.</source>
        <translation>Sent to the citizen alone and kept with the report; never published.</translation>
    </message>
    <message>
        <source>&amp;Nội dung công khai:</source>
        <translation>&amp;Public reply:</translation>
    </message>
    <message>
        <source>Đăng công khai; họ tên, số điện thoại, thư điện tử sẽ được che.</source>
        <translation>Published; names, phone numbers and e-mail addresses are blanked.</translation>
    </message>
    <message>
        <source>thư gửi công dân</source>
        <translation>the letter to the citizen</translation>
    </message>
    <message>
        <source>nội dung công khai</source>
        <translation>the public reply</translation>
    </message>
    <message>
        <source>%1 / %2 ký tự</source>
        <translation>%1 / %2 characters</translation>
    </message>
    <message>
        <source>còn chỗ trống: %s</source>
        <translation>blanks left: %s</translation>
    </message>
    <message>
        <source>thông tin cá nhân trong nội dung công khai sẽ được che</source>
        <translation>personal details in the public reply will be blanked</translation>
    </message>
    <message>
        <source>Còn chỗ trống chưa điền trong nội dung trả lời: %s</source>
        <translation>The reply still has blanks to fill: %s</translation>
    </message>
</context>
<context>
    <name>ReportDetailPane</name>
    <message>
        <source>Chọn một phản ánh trong danh sách để xem chi tiết.</source>
        <translation>Select a report in the queue to see its details.</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Lĩnh vực</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Kênh tiếp nhận</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Mức ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Thời điểm tiếp nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Hạn trả lời công dân</source>
        <translation>Reply deadline</translation>
    </message>
    <message>
        <source>Hạn giai đoạn hiện tại</source>
        <translation>Current stage deadline</translation>
    </message>
    <message>
        <source>Địa bàn</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Tọa độ</source>
        <translation>Coordinates</translation>
    </message>
    <message>
        <source>Người phản ánh</source>
        <translation>Citizen</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Đôn đốc</source>
        <translation>Reminders</translation>
    </message>
    <message>
        <source>Trùng với</source>
        <translation>Duplicate of</translation>
    </message>
    <message>
        <source>Đánh giá của công dân</source>
        <translation>Citizen&apos;s rating</translation>
    </message>
    <message>
        <source>Nội dung phản ánh</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Kết quả xử lý của đơn vị</source>
        <translation>Agency&apos;s result</translation>
    </message>
    <message>
        <source>Trả lời công dân</source>
        <translation>Reply to the citizen</translation>
    </message>
    <message>
        <source>Lịch sử xử lý</source>
        <translation>History</translation>
    </message>
    <message>
        <source>(chờ máy chủ IOC cấp số)</source>
        <translation>(number to come from the IOC hub)</translation>
    </message>
    <message>
        <source>Phản ánh %s</source>
        <translation>Report %s</translation>
    </message>
    <message>
        <source>(chưa xác định)</source>
        <translation>(not known)</translation>
    </message>
    <message>
        <source>(không để lại liên hệ)</source>
        <translation>(no contact left)</translation>
    </message>
    <message>
        <source>(chưa chuyển)</source>
        <translation>(not forwarded yet)</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Không hài lòng</source>
        <translation>Not satisfied</translation>
    </message>
    <message>
        <source>%1 lần, lần cuối %2</source>
        <translation>%1 times, last on %2</translation>
    </message>
    <message>
        <source>Tạm dừng từ %s (chờ công dân bổ sung)</source>
        <translation>Paused since %s (waiting for the citizen&apos;s information)</translation>
    </message>
    <message>
        <source>(không có)</source>
        <translation>(none)</translation>
    </message>
</context>
<context>
    <name>ReportDragStarter</name>
    <message numerus="yes">
        <source>%n phản ánh</source>
        <extracomment>The drag format of report numbers: ``{&quot;numbers&quot;: [&quot;PA-...&quot;, ...]}`` in UTF-8 JSON. The most numbers a drag may carry (more is refused as malformed). The groups of the panel, in order; an agency kind not listed falls in the last one. Refresh the counts this often, so that overdue counts move on without anyone asking. Custom roles of :class:`AgencyTreeModel`.</extracomment>
        <translation>
            <numerusform>%n report</numerusform>
            <numerusform>%n reports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportQueueModel</name>
    <message>
        <source>Số</source>
        <extracomment>Custom roles: the report number of a row, and its deadline state (a DeadlineState or None). Pages a soft refresh reads with the first (those in view), set by the view&apos;s owner.</extracomment>
        <translation>Number</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Lĩnh vực</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Địa bàn</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Kênh</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Nội dung</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Hạn gần nhất</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <source>Hạn đến sớm nhất của phản ánh: hạn của giai đoạn hiện tại (phân loại tại IOC, tiếp nhận hoặc xử lý của đơn vị) hoặc hạn trả lời công dân</source>
        <translation>The report&apos;s nearest deadline: the current stage&apos;s (triage at the IOC, acceptance or resolution by the agency) or the citizen&apos;s reply deadline</translation>
    </message>
    <message>
        <source>Mới, chưa phân loại</source>
        <translation>New, not triaged yet</translation>
    </message>
    <message>
        <source>Không đọc được danh sách phản ánh: %s</source>
        <translation>The report queue could not be read: %s</translation>
    </message>
</context>
<context>
    <name>ReportWorkbench</name>
    <message>
        <source>Ảnh hiện trường</source>
        <extracomment>The bar&apos;s action for each lifecycle action, in the bar&apos;s order.</extracomment>
        <translation>Photos from the site</translation>
    </message>
    <message>
        <source>Phản ánh có thể trùng</source>
        <translation>Possible duplicates</translation>
    </message>
</context>
<context>
    <name>RequestInfoDialog</name>
    <message>
        <source>Yêu cầu công dân bổ sung thông tin</source>
        <translation>Ask the citizen for information</translation>
    </message>
    <message>
        <source>&amp;Gửi yêu cầu</source>
        <translation>&amp;Send the request</translation>
    </message>
    <message>
        <source>Địa chỉ cụ thể</source>
        <translation>Exact address</translation>
    </message>
    <message>
        <source>Hình ảnh hiện trường</source>
        <translation>Photos of the place</translation>
    </message>
    <message>
        <source>Thời gian xảy ra</source>
        <translation>When it happened</translation>
    </message>
    <message>
        <source>Mô tả rõ hơn</source>
        <translation>A clearer description</translation>
    </message>
    <message>
        <source>Cần &amp;bổ sung:</source>
        <translation>&amp;Needed:</translation>
    </message>
    <message>
        <source>&amp;Nội dung yêu cầu:</source>
        <translation>&amp;Request:</translation>
    </message>
    <message>
        <source>nội dung yêu cầu</source>
        <translation>request</translation>
    </message>
    <message>
        <source>Hạn trả lời tạm dừng trong khi chờ công dân bổ sung thông tin.</source>
        <translation>The reply deadline is paused while waiting for the citizen&apos;s information.</translation>
    </message>
</context>
<context>
    <name>RerouteDialog</name>
    <message>
        <source>Chuyển phản ánh %1 sang đơn vị khác</source>
        <translation>Re-route report %1 to another agency</translation>
    </message>
    <message>
        <source>Lý do chuyển (bắt buộc, đơn vị mới và nhật ký phản ánh đều thấy):</source>
        <translation>Reason (required; the new agency and the report&apos;s history show it):</translation>
    </message>
    <message>
        <source>Vui lòng nhập lý do chuyển sang đơn vị khác.</source>
        <translation>Please enter the reason for re-routing.</translation>
    </message>
    <message>
        <source>Đơn vị đang xử lý:</source>
        <translation>Agency handling it now:</translation>
    </message>
    <message>
        <source>— Chọn đơn vị —</source>
        <translation>— Choose an agency —</translation>
    </message>
    <message>
        <source>Chuyển đến:</source>
        <translation>Re-route to:</translation>
    </message>
    <message>
        <source>Vui lòng chọn đơn vị nhận phản ánh.</source>
        <translation>Please choose the agency that takes the report.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Đăng nhập</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Máy này không có nơi cất mật khẩu an toàn, nên bạn sẽ đăng nhập cho phiên làm việc này: khi mở lại chương trình, bạn cần đăng nhập lại. Mật khẩu và phiên đăng nhập không bao giờ được ghi ra tệp.</source>
        <translation>This computer has no safe place to keep passwords, so you will be signed in for this session: when you open the program again, you will need to sign in again. Your password and session are never written to a file.</translation>
    </message>
    <message>
        <source>Máy chủ phải được kết nối qua HTTPS (địa chỉ bắt đầu bằng https://).</source>
        <translation>The server must be reached over HTTPS (an address starting with https://).</translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ không hợp lệ, ví dụ: https://ioc.ninhthuan.gov.vn</source>
        <translation>The server address is not valid; for example: https://ioc.ninhthuan.gov.vn</translation>
    </message>
    <message>
        <source>Cần nhập tên đăng nhập và mật khẩu.</source>
        <translation>Enter the user name and the password.</translation>
    </message>
    <message>
        <source>Không tìm thấy tệp chứng chỉ %s.</source>
        <translation>The certificate file %s was not found.</translation>
    </message>
    <message>
        <source>Chọn tệp chứng chỉ (CA) của cơ quan</source>
        <translation>Choose your organisation&apos;s CA certificate file</translation>
    </message>
    <message>
        <source>Chứng chỉ (*.pem *.crt *.cer);;Mọi tệp (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>Đã xảy ra lỗi không mong đợi: %s</source>
        <translation>An unexpected error occurred: %s</translation>
    </message>
    <message>
        <source>Đăng nhập — IOC Console</source>
        <translation>Sign in — IOC Console</translation>
    </message>
    <message>
        <source>Đăng nhập vào máy chủ IOC của tỉnh để nhận và xử lý phản ánh.</source>
        <translation>Sign in to the province&apos;s IOC server to receive and handle reports.</translation>
    </message>
    <message>
        <source>Địa chỉ &amp;máy chủ:</source>
        <translation>&amp;Server address:</translation>
    </message>
    <message>
        <source>&amp;Tên đăng nhập:</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <source>Mật &amp;khẩu:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <source>Chứng chỉ &amp;CA riêng:</source>
        <translation>Own &amp;CA certificate:</translation>
    </message>
    <message>
        <source>Không bắt buộc: tệp .pem của cơ quan</source>
        <translation>Optional: your organisation&apos;s .pem file</translation>
    </message>
</context>
<context>
    <name>StatisticsView</name>
    <message>
        <source>Tháng này</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>Tháng trước</source>
        <translation>Last month</translation>
    </message>
    <message>
        <source>Quý này</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <source>Quý trước</source>
        <translation>Last quarter</translation>
    </message>
    <message>
        <source>Năm nay</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>Năm trước</source>
        <translation>Last year</translation>
    </message>
    <message>
        <source>Tuần này</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>30 ngày qua</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>12 tháng qua</source>
        <translation>Last 12 months</translation>
    </message>
    <message>
        <source>Từ ngày… đến ngày…</source>
        <translation>From… to…</translation>
    </message>
    <message>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Lĩnh vực: %1</source>
        <translation>Category: %1</translation>
    </message>
    <message>
        <source>Đơn vị xử lý: %1</source>
        <translation>Agency: %1</translation>
    </message>
    <message>
        <source>Địa bàn: %1</source>
        <translation>Area: %1</translation>
    </message>
    <message>
        <source>Kênh: %1</source>
        <translation>Channel: %1</translation>
    </message>
    <message>
        <source>&amp;Xuất Excel/CSV…</source>
        <translation>&amp;Export Excel/CSV…</translation>
    </message>
    <message>
        <source>Báo cáo &amp;tháng…</source>
        <translation>&amp;Monthly report…</translation>
    </message>
    <message>
        <source>Báo cáo tình hình tiếp nhận, xử lý phản ánh của tháng đang chọn, in được trên khổ A4</source>
        <translation>The chosen month&apos;s report on the reports received and handled, printable on A4</translation>
    </message>
    <message>
        <source>Từ %1 đến %2 · %3 phản ánh tiếp nhận</source>
        <extracomment>The totals of the rows on screen (the export&apos;s &quot;Tổng cộng&quot; line).</extracomment>
        <translation>From %1 to %2 · %3 reports received</translation>
    </message>
    <message>
        <source>Tiếp nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Đã xử lý</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>Đúng hạn</source>
        <translation>On time</translation>
    </message>
    <message>
        <source>Trễ hạn</source>
        <translation>Late</translation>
    </message>
    <message>
        <source>Quá hạn chưa xử lý (nhận trong kỳ)</source>
        <translation>Overdue, still open (received in the period)</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Quá hạn chưa xử lý (nhận trong kỳ): phản ánh tiếp nhận trong kỳ này, chưa xử lý xong và đã quá hạn trả lời. Con số &quot;Quá hạn&quot; ở thanh trạng thái đếm mọi phản ánh đang mở đã quá hạn, dù tiếp nhận từ lúc nào.</source>
        <translation>Overdue, still open (received in the period): reports received in this period, not yet handled and past their reply deadline. The &quot;Overdue&quot; count in the status bar counts every open report past its deadline, whenever it was received.</translation>
    </message>
    <message>
        <source>Trễ hạn và quá hạn</source>
        <translation>Late and overdue</translation>
    </message>
    <message>
        <source>Xuất số liệu</source>
        <translation>Export figures</translation>
    </message>
    <message>
        <source>Bảng tính Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel workbook (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Lưu báo cáo tháng</source>
        <translation>Save the monthly report</translation>
    </message>
    <message>
        <source>Tệp PDF (*.pdf);;Bảng tính Excel (*.xlsx)</source>
        <translation>PDF file (*.pdf);;Excel workbook (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>SupervisorDesk</name>
    <message>
        <source>Thực hiện</source>
        <extracomment>The priority an escalation sets.</extracomment>
        <translation>Apply</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Nội dung quá dài: tối đa %1 ký tự.</source>
        <translation>The text is too long: at most %1 characters.</translation>
    </message>
    <message>
        <source>Chuyển sang đơn vị khác…</source>
        <translation>Re-route to another agency…</translation>
    </message>
    <message>
        <source>Báo khẩn…</source>
        <translation>Escalate…</translation>
    </message>
    <message>
        <source>Chưa chọn phản ánh.</source>
        <translation>No report is selected.</translation>
    </message>
    <message>
        <source>Chỉ chuyển được phản ánh đang ở một đơn vị xử lý; phản ánh này đang ở IOC.</source>
        <translation>Only a report at an agency can be re-routed; this one is at the IOC.</translation>
    </message>
    <message>
        <source>Phản ánh đã ở mức ưu tiên Khẩn.</source>
        <translation>The report is already urgent.</translation>
    </message>
    <message>
        <source>Chuyển phản ánh sang đơn vị khác, kèm lý do</source>
        <translation>Re-route the report to another agency, with a reason</translation>
    </message>
    <message>
        <source>Nâng mức ưu tiên lên Khẩn, kèm ghi chú</source>
        <translation>Raise the priority to urgent, with a note</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>Đang nhận cập nhật trực tiếp từ máy chủ.</source>
        <translation>Receiving live updates from the server.</translation>
    </message>
    <message>
        <source>Thao tác không được thực hiện</source>
        <translation>Action not carried out</translation>
    </message>
    <message>
        <source>Phản ánh %s: thao tác của bạn không được máy chủ chấp nhận.</source>
        <translation>Report %s: the server did not accept your action.</translation>
    </message>
</context>
<context>
    <name>TextActionDialog</name>
    <message>
        <source>Gửi</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Đính kèm ảnh…</source>
        <translation>Attach photos…</translation>
    </message>
    <message>
        <source>Bỏ ảnh đã chọn</source>
        <translation>Remove selected photo</translation>
    </message>
    <message>
        <source>Chọn ảnh đính kèm</source>
        <translation>Choose photos to attach</translation>
    </message>
    <message>
        <source>Ảnh (%1)</source>
        <translation>Images (%1)</translation>
    </message>
    <message>
        <source>Chỉ đính kèm được tối đa %1 ảnh.</source>
        <translation>At most %1 photos can be attached.</translation>
    </message>
    <message>
        <source>Không đọc được ảnh đã chọn.</source>
        <translation>The chosen photos could not be read.</translation>
    </message>
    <message>
        <source>Tệp %1 không phải là ảnh: chỉ đính kèm được ảnh JPG, PNG hoặc WebP.</source>
        <translation>%1 is not a photo: only JPG, PNG or WebP images can be attached.</translation>
    </message>
    <message>
        <source>Ảnh %1 lớn hơn %2 MB, không đính kèm được.</source>
        <translation>Photo %1 is larger than %2 MB and cannot be attached.</translation>
    </message>
    <message>
        <source>Không đọc được tệp %1.</source>
        <translation>File %1 could not be read.</translation>
    </message>
    <message>
        <source>Đang kiểm tra ảnh đã chọn, vui lòng đợi.</source>
        <translation>Checking the chosen photos, please wait.</translation>
    </message>
    <message>
        <source>Nội dung quá dài: tối đa %1 ký tự.</source>
        <translation>Too long: at most %1 characters.</translation>
    </message>
</context>
<context>
    <name>TriageBar</name>
    <message>
        <source>Xử lý phản ánh</source>
        <translation>Handle the report</translation>
    </message>
    <message>
        <source>Lĩnh vực…</source>
        <translation>Category…</translation>
    </message>
    <message>
        <source>Đổi lĩnh vực phản ánh</source>
        <translation>Change the report&apos;s category</translation>
    </message>
    <message>
        <source>Ưu tiên…</source>
        <translation>Priority…</translation>
    </message>
    <message>
        <source>Đặt mức ưu tiên</source>
        <translation>Set the priority</translation>
    </message>
    <message>
        <source>Vị trí…</source>
        <translation>Location…</translation>
    </message>
    <message>
        <source>Sửa vị trí: xã, phường và địa chỉ, hoặc một điểm trên bản đồ</source>
        <translation>Change the location: commune or ward and address, or a point on the map</translation>
    </message>
    <message>
        <source>Cuộc gọi…</source>
        <translation>Call…</translation>
    </message>
    <message>
        <source>Ghi nhận cuộc gọi với người phản ánh</source>
        <translation>Log a call with the citizen</translation>
    </message>
    <message>
        <source>Bổ sung…</source>
        <translation>Ask for information…</translation>
    </message>
    <message>
        <source>Yêu cầu công dân bổ sung thông tin</source>
        <translation>Ask the citizen for more information</translation>
    </message>
    <message>
        <source>Đôn đốc…</source>
        <translation>Remind…</translation>
    </message>
    <message>
        <source>Nhắc đơn vị đang giữ phản ánh khẩn trương xử lý (ghi vào lịch sử, đơn vị thấy ngay)</source>
        <translation>Remind the agency holding the report to act on it (recorded in the history, seen by the agency at once)</translation>
    </message>
    <message>
        <source>Từ chối phản ánh</source>
        <translation>Reject the report</translation>
    </message>
    <message>
        <source>Trả lời…</source>
        <translation>Reply…</translation>
    </message>
    <message>
        <source>Soạn và công khai trả lời công dân</source>
        <translation>Write and publish the reply to the citizen</translation>
    </message>
    <message>
        <source>Chuyển xử lý…</source>
        <extracomment>Forwarding: the dialog of the forwarding controller (F6), for the report shown.</extracomment>
        <translation>Forward…</translation>
    </message>
    <message>
        <source>Chuyển phản ánh cho một đơn vị xử lý (F6)</source>
        <translation>Forward the report to an agency (F6)</translation>
    </message>
    <message>
        <source>Từ chối…</source>
        <translation>Reject…</translation>
    </message>
</context>
<context>
    <name>TriageController</name>
    <message>
        <source>Không thực hiện được thao tác.</source>
        <extracomment>The dialogs of the actions a :class:`TriageBar` offers, in its order.</extracomment>
        <translation>The action could not be carried out.</translation>
    </message>
</context>
<context>
    <name>TriageDialog</name>
    <message>
        <source>Nội dung chứa ký tự điều khiển không hợp lệ.</source>
        <extracomment>Shortest text accepted where a person must explain (a reason, a question).</extracomment>
        <translation>The text contains invalid control characters.</translation>
    </message>
    <message>
        <source>Hủy</source>
        <extracomment>Set by the controller: the dialog then stays open until the service answers.</extracomment>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cần ghi %1 (ít nhất %2 ký tự).</source>
        <translation>Please write %1 (at least %2 characters).</translation>
    </message>
    <message>
        <source>%1 dài quá %2 ký tự.</source>
        <translation>%1 is longer than %2 characters.</translation>
    </message>
    <message>
        <source>Tự soạn</source>
        <extracomment>Questions an operator often asks, by key (Vietnamese: stored as asked). Reasons for rejecting a report, by key (Vietnamese: stored as given).</extracomment>
        <translation>Write my own</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>&amp;Hoàn tác</source>
        <extracomment>How long the outcome of an undo stays on the bar.</extracomment>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <source>Hoàn tác thao tác vừa rồi (Ctrl+Z)</source>
        <translation>Undo the last action (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Hoàn tác</source>
        <translation>Undo</translation>
    </message>
    <message numerus="yes">
        <source>Đã chuyển %n phản ánh cho %1</source>
        <translation>
            <numerusform>Forwarded %n report to %1</numerusform>
            <numerusform>Forwarded %n reports to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Đã %1: %n phản ánh</source>
        <translation>
            <numerusform>%1: %n report</numerusform>
            <numerusform>%1: %n reports</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 giây</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Đang hoàn tác…</source>
        <translation>Undoing…</translation>
    </message>
    <message>
        <source>Đã hết thời gian hoàn tác.</source>
        <translation>The time to undo has run out.</translation>
    </message>
    <message numerus="yes">
        <source>Đã hoàn tác: %n phản ánh trở lại như trước.</source>
        <translation>
            <numerusform>Undone: %n report is back as it was.</numerusform>
            <numerusform>Undone: %n reports are back as they were.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Không hoàn tác được %n phản ánh vì thao tác đã được gửi đi hoặc phản ánh đã thay đổi: %1.</source>
        <translation>
            <numerusform>%n report could not be undone because the action was already sent or the report has changed: %1.</numerusform>
            <numerusform>%n reports could not be undone because the action was already sent or the reports have changed: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnitPicker</name>
    <message>
        <source>Gõ tên xã, phường (có dấu hoặc không)…</source>
        <translation>Type a commune or ward (with or without diacritics)…</translation>
    </message>
</context>
<context>
    <name>UnsentGuard</name>
    <message>
        <source>Đang gửi các thao tác chưa gửi lên máy chủ…</source>
        <translation>Sending the actions not yet sent to the hub…</translation>
    </message>
    <message>
        <source>Còn %s thao tác chưa gửi lên máy chủ. Máy này không có kho mật khẩu nên bản dữ liệu trên máy chỉ dùng được trong phiên này: nếu đóng bây giờ, các thao tác đó sẽ mất.</source>
        <translation>%s actions have not been sent to the hub yet. This computer has no password store, so the local copy of the data can only be used in this session: if you close now, those actions will be lost.</translation>
    </message>
    <message>
        <source>Thao tác chưa gửi</source>
        <translation>Actions not sent</translation>
    </message>
    <message>
        <source>Chờ gửi</source>
        <translation>Wait to send</translation>
    </message>
    <message>
        <source>Vẫn đóng</source>
        <translation>Close anyway</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>Màn hình tổng hợp — IOC Console</source>
        <extracomment>How often the figures are read again without being asked (ms). How long a page of a panel stays before the next one (ms). How often the open reports on the map are read again in full (every so many refreshes). How many page turns the map stays in the right-hand panel before the ticker comes back. Reports waiting for the IOC: to triage (new, returned, reopened) or to answer (resolved). The period of the on-time share, the medians and the league (``statistics.Period``). Optional map rows of the open reports (``MapRow``-shaped), read every :data:`MAP_EVERY` refreshes. Statuses in which a report waits for the IOC: triage (not waiting for the citizen) or its reply. Names of districts and communes on the wall&apos;s map, so many times their usual size: 2 % of the screen&apos;s height or more (the map&apos;s type follows the wall&apos;s, like the rest of it). Reports in the ticker. Unit words shortened the way Vietnamese offices write them, so names fit a wall&apos;s large type.</extracomment>
        <translation>Wall display — IOC Console</translation>
    </message>
    <message>
        <source>Phản ánh hiện trường — %1</source>
        <translation>Field reports — %1</translation>
    </message>
    <message>
        <source>Tiếp nhận hôm nay</source>
        <translation>Received today</translation>
    </message>
    <message>
        <source>Đang mở</source>
        <translation>Open now</translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Đúng hạn</source>
        <translation>On time</translation>
    </message>
    <message>
        <source>Chờ IOC xử lý</source>
        <translation>Waiting for the IOC</translation>
    </message>
    <message>
        <source>Tỷ lệ đúng hạn</source>
        <translation>On-time rate</translation>
    </message>
    <message>
        <source>Thời gian đến lần liên hệ đầu</source>
        <translation>Time to first contact</translation>
    </message>
    <message>
        <source>Thời gian đến khi chuyển xử lý</source>
        <translation>Time to forwarding</translation>
    </message>
    <message>
        <source>Đơn vị xử lý, từ thấp nhất</source>
        <translation>Agencies, lowest first</translation>
    </message>
    <message>
        <source>Đơn vị</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Đã xử lý</source>
        <translation>Handled</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Chưa có phản ánh nào được chuyển xử lý.</source>
        <translation>No report has been forwarded yet.</translation>
    </message>
    <message>
        <source>Phản ánh mới nhất</source>
        <translation>Newest reports</translation>
    </message>
    <message>
        <source>Lúc</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Lĩnh vực — trạng thái · địa bàn · kênh</source>
        <translation>Category — status · place · channel</translation>
    </message>
    <message>
        <source>Chưa có phản ánh mới.</source>
        <translation>No new reports yet.</translation>
    </message>
    <message>
        <source>Bản đồ phản ánh đang mở</source>
        <translation>Map of open reports</translation>
    </message>
    <message>
        <source>Không đọc được số liệu; đang thử lại</source>
        <translation>Could not read the figures; trying again</translation>
    </message>
    <message>
        <source>chờ chuyển hoặc trả lời</source>
        <translation>to forward or to answer</translation>
    </message>
    <message>
        <source>cần xử lý ngay</source>
        <translation>needs action now</translation>
    </message>
    <message>
        <source>không có</source>
        <translation>none</translation>
    </message>
    <message>
        <source>tính cả quá hạn</source>
        <translation>overdue counted</translation>
    </message>
    <message>
        <source>%1, trung vị</source>
        <translation>%1, median</translation>
    </message>
    <message>
        <source>Đơn vị xử lý, từ thấp nhất · %1</source>
        <translation>Agencies, lowest first · %1</translation>
    </message>
    <message>
        <source>chưa rõ địa bàn</source>
        <translation>area unknown</translation>
    </message>
    <message>
        <source>Số liệu %1 · cập nhật lúc %2</source>
        <translation>Figures for %1 · updated at %2</translation>
    </message>
    <message>
        <source>tháng %1</source>
        <translation>%1</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>chờ gửi</source>
        <extracomment>More changed reports than this at once are shown by reading the whole set again. The agency counts are taken again this long after the last of a run of changes. The hotline intake&apos;s shortcut. Reports read per worker job when the map&apos;s full set is read: the page takes each part while the next is read, and the queue&apos;s own queries slip in between the parts. Whether the hub answers now (None: no hub, the demo on this machine alone); said when a call is saved, since its number comes from the hub. Provisional numbers of calls typed in here that the hub has not numbered yet.</extracomment>
        <translation>waiting to send</translation>
    </message>
    <message>
        <source>Thao tác đang chờ gửi lên máy chủ</source>
        <translation>Action waiting to be sent to the hub</translation>
    </message>
    <message>
        <source>Danh sách phản ánh</source>
        <translation>Report queue</translation>
    </message>
    <message>
        <source>Đang mở bản đồ…</source>
        <translation>Opening the map…</translation>
    </message>
    <message>
        <source>Bản đồ phản ánh</source>
        <translation>Report map</translation>
    </message>
    <message>
        <source>Đơn vị xử lý</source>
        <translation>Agencies</translation>
    </message>
    <message>
        <source>&amp;Tiếp nhận cuộc gọi đường dây nóng…</source>
        <translation>&amp;Take a hotline call…</translation>
    </message>
    <message>
        <source>Ghi một cuộc gọi của người dân thành phản ánh mới (Ctrl+N)</source>
        <translation>Type a citizen&apos;s call in as a new report (Ctrl+N)</translation>
    </message>
    <message>
        <source>Không ghi được thao tác</source>
        <translation>The action could not be saved</translation>
    </message>
    <message>
        <source>Đã ghi nhận cuộc gọi; đang chờ máy chủ IOC cấp số phản ánh…</source>
        <translation>Call recorded; waiting for the IOC hub to give its report number…</translation>
    </message>
    <message>
        <source>Đã ghi nhận cuộc gọi khi chưa kết nối được máy chủ IOC: số phản ánh sẽ có khi kết nối lại, và sẽ hiện ở đây.</source>
        <translation>Call recorded while the IOC hub cannot be reached: its report number will come when the hub is reached again, and will show here.</translation>
    </message>
    <message>
        <source>Cuộc gọi đã có số phản ánh: %1 (đọc số này cho người gọi).</source>
        <translation>The call now has its report number: %1 (read this number to the caller).</translation>
    </message>
    <message>
        <source>(chờ máy chủ IOC cấp số)</source>
        <translation>(number to come from the IOC hub)</translation>
    </message>
    <message>
        <source>Đến giờ gọi lại cho người phản ánh %1 về phản ánh %2 (hẹn lúc %3).</source>
        <translation>Time to call back %1 about report %2 (set for %3).</translation>
    </message>
    <message>
        <source>(không để lại liên hệ)</source>
        <translation>(no contact left)</translation>
    </message>
    <message>
        <source>Đến giờ gọi lại</source>
        <translation>Time to call back</translation>
    </message>
    <message>
        <source>&amp;Mở phản ánh</source>
        <translation>&amp;Open the report</translation>
    </message>
    <message>
        <source>Đó&amp;ng</source>
        <translation>&amp;Close</translation>
    </message>
</context>
</TS>
