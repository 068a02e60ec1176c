<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that the console shows (standard buttons, text context menus, the file dialog), in Vietnamese.
     Qt ships no Vietnamese catalog; this one is kept by hand and built by scripts/update_translations.py. -->
<TS version="2.1" language="vi" sourcelanguage="en">
<context>
    <name>QPlatformTheme</name>
    <message><source>OK</source><translation>Đồng ý</translation></message>
    <message><source>Save</source><translation>Lưu</translation></message>
    <message><source>Open</source><translation>Mở</translation></message>
    <message><source>Cancel</source><translation>Hủy</translation></message>
    <message><source>Close</source><translation>Đóng</translation></message>
    <message><source>Apply</source><translation>Áp dụng</translation></message>
    <message><source>Reset</source><translation>Đặt lại</translation></message>
    <message><source>Help</source><translation>Trợ giúp</translation></message>
    <message><source>Discard</source><translation>Bỏ</translation></message>
    <message><source>Don&apos;t Save</source><translation>Không lưu</translation></message>
    <message><source>Close without Saving</source><translation>Đóng, không lưu</translation></message>
    <message><source>Save All</source><translation>Lưu tất cả</translation></message>
    <message><source>&amp;Yes</source><translation>&amp;Có</translation></message>
    <message><source>Yes to &amp;All</source><translation>Có với &amp;tất cả</translation></message>
    <message><source>&amp;No</source><translation>&amp;Không</translation></message>
    <message><source>N&amp;o to All</source><translation>K&amp;hông với tất cả</translation></message>
    <message><source>Abort</source><translation>Dừng</translation></message>
    <message><source>Retry</source><translation>Thử lại</translation></message>
    <message><source>Ignore</source><translation>Bỏ qua</translation></message>
    <message><source>Restore Defaults</source><translation>Khôi phục mặc định</translation></message>
</context>
<context>
    <name>QLineEdit</name>
    <message><source>&amp;Undo</source><translation>&amp;Hoàn tác</translation></message>
    <message><source>&amp;Redo</source><translation>&amp;Làm lại</translation></message>
    <message><source>Cu&amp;t</source><translation>&amp;Cắt</translation></message>
    <message><source>&amp;Copy</source><translation>&amp;Sao chép</translation></message>
    <message><source>&amp;Paste</source><translation>&amp;Dán</translation></message>
    <message><source>Delete</source><translation>Xóa</translation></message>
    <message><source>Select All</source><translation>Chọn tất cả</translation></message>
</context>
<context>
    <name>QWidgetTextControl</name>
    <message><source>&amp;Undo</source><translation>&amp;Hoàn tác</translation></message>
    <message><source>&amp;Redo</source><translation>&amp;Làm lại</translation></message>
    <message><source>Cu&amp;t</source><translation>&amp;Cắt</translation></message>
    <message><source>&amp;Copy</source><translation>&amp;Sao chép</translation></message>
    <message><source>Copy &amp;Link Location</source><translation>Sao chép địa chỉ &amp;liên kết</translation></message>
    <message><source>&amp;Paste</source><translation>&amp;Dán</translation></message>
    <message><source>Delete</source><translation>Xóa</translation></message>
    <message><source>Select All</source><translation>Chọn tất cả</translation></message>
</context>
<context>
    <name>QMessageBox</name>
    <message><source>Show Details...</source><translation>Xem chi tiết…</translation></message>
    <message><source>Hide Details...</source><translation>Ẩn chi tiết…</translation></message>
</context>
<!-- Qt's own file dialog (not the platform's): its labels, buttons, tooltips, columns and messages. -->
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>&amp;Tìm trong:</translation></message>
    <message><source>Look in:</source><translation>Tìm trong:</translation></message>
    <message><source>File &amp;name:</source><translation>&amp;Tên tệp:</translation></message>
    <message><source>Files of &amp;type:</source><translation>&amp;Loại tệp:</translation></message>
    <message><source>Files of type:</source><translation>Loại tệp:</translation></message>
    <message><source>&amp;Open</source><translation>&amp;Mở</translation></message>
    <message><source>&amp;Save</source><translation>&amp;Lưu</translation></message>
    <message><source>&amp;Choose</source><translation>&amp;Chọn</translation></message>
    <message><source>Open</source><translation>Mở</translation></message>
    <message><source>Save As</source><translation>Lưu thành</translation></message>
    <message><source>Find Directory</source><translation>Chọn thư mục</translation></message>
    <message><source>Directory:</source><translation>Thư mục:</translation></message>
    <message><source>All Files (*)</source><translation>Mọi tệp (*)</translation></message>
    <message><source>Directories</source><translation>Thư mục</translation></message>
    <message><source>Back</source><translation>Lùi lại</translation></message>
    <message><source>Go back</source><translation>Quay lại thư mục trước</translation></message>
    <message><source>Forward</source><translation>Tiến tới</translation></message>
    <message><source>Go forward</source><translation>Tới thư mục sau</translation></message>
    <message><source>Parent Directory</source><translation>Thư mục cha</translation></message>
    <message><source>Go to the parent directory</source><translation>Lên thư mục cha</translation></message>
    <message><source>Create New Folder</source><translation>Tạo thư mục mới</translation></message>
    <message><source>Create a New Folder</source><translation>Tạo một thư mục mới</translation></message>
    <message><source>List View</source><translation>Xem dạng danh sách</translation></message>
    <message><source>Change to list view mode</source><translation>Chuyển sang xem dạng danh sách</translation></message>
    <message><source>Detail View</source><translation>Xem chi tiết</translation></message>
    <message><source>Change to detail view mode</source><translation>Chuyển sang xem chi tiết</translation></message>
    <message><source>Sidebar</source><translation>Thanh bên</translation></message>
    <message><source>List of places and bookmarks</source><translation>Danh sách vị trí và dấu trang</translation></message>
    <message><source>Files</source><translation>Tệp</translation></message>
    <message><source>&amp;New Folder</source><translation>Thư mục &amp;mới</translation></message>
    <message><source>New Folder</source><translation>Thư mục mới</translation></message>
    <message><source>&amp;Delete</source><translation>&amp;Xóa</translation></message>
    <message><source>&amp;Rename</source><translation>Đổi &amp;tên</translation></message>
    <message><source>Show &amp;hidden files</source><translation>Hiện tệp ẩ&amp;n</translation></message>
    <message><source>Show </source><translation>Hiện </translation></message>
    <message><source>Recent Places</source><translation>Vị trí gần đây</translation></message>
    <message><source>%1 already exists.
Do you want to replace it?</source><translation>%1 đã có.
Bạn có muốn ghi đè lên tệp này không?</translation></message>
    <message><source>Are you sure you want to delete &apos;%1&apos;?</source><translation>Bạn có chắc muốn xóa «%1»?</translation></message>
    <message><source>%1
File not found.
Please verify the correct file name was given.</source><translation>%1
Không tìm thấy tệp.
Hãy kiểm tra lại tên tệp.</translation></message>
    <message><source>%1
Directory not found.
Please verify the correct directory name was given.</source><translation>%1
Không tìm thấy thư mục.
Hãy kiểm tra lại tên thư mục.</translation></message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message><source>Name</source><translation>Tên</translation></message>
    <message><source>Size</source><translation>Kích thước</translation></message>
    <message><source>Type</source><translation>Loại</translation></message>
    <message><source>Kind</source><translation>Loại</translation></message>
    <message><source>Date Modified</source><translation>Ngày sửa đổi</translation></message>
    <message><source>Computer</source><translation>Máy tính</translation></message>
    <message><source>My Computer</source><translation>Máy tính</translation></message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message><source>Drive</source><translation>Ổ đĩa</translation></message>
    <message><source>Folder</source><translation>Thư mục</translation></message>
    <message><source>File</source><translation>Tệp</translation></message>
    <message><source>File Folder</source><translation>Thư mục</translation></message>
    <message><source>%1 File</source><translation>Tệp %1</translation></message>
    <message><source>Alias</source><translation>Bí danh</translation></message>
    <message><source>Shortcut</source><translation>Lối tắt</translation></message>
</context>
</TS>
