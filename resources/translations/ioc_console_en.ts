<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name>Console</name>
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
        <source>Dữ liệu mẫu trên máy: %s</source>
        <translation>Local demo data: %s</translation>
    </message>
    <message>
        <source>Không mở được dữ liệu</source>
        <translation>The data could not be opened</translation>
    </message>
    <message>
        <source>Kho dữ liệu đang được một chương trình khác sử dụng (có thể IOC Console đang mở ở cửa sổ khác). Hãy đóng chương trình đó rồi mở lại.</source>
        <translation>Another program is using the local data (perhaps IOC Console is open in another window). Close that program and open IOC Console again.</translation>
    </message>
    <message>
        <source>Kho dữ liệu được tạo bởi một phiên bản IOC Console mới hơn. Hãy cập nhật IOC Console; dữ liệu được giữ nguyên.</source>
        <translation>The local data was written by a newer version of IOC Console. Update IOC Console; the data has been left as it is.</translation>
    </message>
    <message>
        <source>Kho dữ liệu bị hỏng và không đọc được. Tệp được giữ nguyên, không bị ghi đè; hãy liên hệ quản trị viên để khôi phục.</source>
        <translation>The local data is damaged and cannot be read. The file has been left as it is, not overwritten; ask your administrator to restore it.</translation>
    </message>
    <message>
        <source>Kho dữ liệu báo lỗi.</source>
        <translation>The local data reported an error.</translation>
    </message>
    <message>
        <source>Danh mục địa bàn, đơn vị, lĩnh vực có lỗi.</source>
        <translation>The list of units, agencies and categories has an error.</translation>
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
    <name>MainWindow</name>
    <message>
        <source>IOC Console — Phản ánh hiện trường</source>
        <extracomment>Keys of the window&apos;s own geometry in QSettings (nothing else of the window is kept there). Refresh the queue this often so that deadline states move on without anyone asking.</extracomment>
        <translation>IOC Console — Field reports</translation>
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
        <extracomment>Reports per message when a full set is sent.</extracomment>
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
        <source>Nhóm phản ánh (đỏ: số quá hạn)</source>
        <translation>Group of reports (red: how many are overdue)</translation>
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
</context>
<context>
    <name>QueueFilterBar</name>
    <message>
        <source>Tìm theo số phản ánh, địa chỉ, nội dung, số điện thoại…</source>
        <translation>Search by report number, address, text, phone number…</translation>
    </message>
    <message>
        <source>Trạng thái: tất cả</source>
        <translation>Status: all</translation>
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
        <source>%s (ngừng tiếp nhận)</source>
        <translation>%s (no longer used)</translation>
    </message>
    <message>
        <source>Đơn vị xử lý: tất cả</source>
        <translation>Agency: all</translation>
    </message>
    <message>
        <source>Địa bàn: tất cả</source>
        <translation>Area: all</translation>
    </message>
    <message>
        <source>Kênh: tất cả</source>
        <translation>Channel: all</translation>
    </message>
    <message>
        <source>Hạn: tất cả</source>
        <translation>Deadline: all</translation>
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
        <source>Tạm dừng từ %s (chờ công dân bổ sung)</source>
        <translation>Paused since %s (waiting for the citizen&apos;s information)</translation>
    </message>
    <message>
        <source>(không có)</source>
        <translation>(none)</translation>
    </message>
</context>
<context>
    <name>ReportQueueModel</name>
    <message>
        <source>Số</source>
        <extracomment>Custom roles: the report number of a row, and its deadline state (a DeadlineState or None).</extracomment>
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
        <source>Đơn vị xử lý</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Hạn trả lời</source>
        <translation>Reply deadline</translation>
    </message>
    <message>
        <source>Không đọc được danh sách phản ánh: %s</source>
        <translation>The report queue could not be read: %s</translation>
    </message>
</context>
</TS>
