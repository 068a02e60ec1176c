# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'intake.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout,
    QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout,
    QWidget)

class Ui_IntakeDialog(object):
    def setupUi(self, IntakeDialog):
        if not IntakeDialog.objectName():
            IntakeDialog.setObjectName(u"IntakeDialog")
        IntakeDialog.resize(980, 640)
        self.main_layout = QHBoxLayout(IntakeDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.form_column = QVBoxLayout()
        self.form_column.setObjectName(u"form_column")
        self.intro_label = QLabel(IntakeDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.form_column.addWidget(self.intro_label)

        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form_layout.setVerticalSpacing(2)
        self.caller_label = QLabel(IntakeDialog)
        self.caller_label.setObjectName(u"caller_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.caller_label)

        self.caller_edit = QLineEdit(IntakeDialog)
        self.caller_edit.setObjectName(u"caller_edit")
        self.caller_edit.setMaxLength(100)

        self.form_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.caller_edit)

        self.caller_error = QLabel(IntakeDialog)
        self.caller_error.setObjectName(u"caller_error")
        self.caller_error.setText(u"")
        self.caller_error.setWordWrap(True)
        self.caller_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.caller_error)

        self.phone_label = QLabel(IntakeDialog)
        self.phone_label.setObjectName(u"phone_label")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.phone_label)

        self.phone_edit = QLineEdit(IntakeDialog)
        self.phone_edit.setObjectName(u"phone_edit")
        self.phone_edit.setMaxLength(20)
        self.phone_edit.setInputMethodHints(Qt.ImhDialableCharactersOnly)

        self.form_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.phone_edit)

        self.phone_error = QLabel(IntakeDialog)
        self.phone_error.setObjectName(u"phone_error")
        self.phone_error.setText(u"")
        self.phone_error.setWordWrap(True)
        self.phone_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.phone_error)

        self.category_label = QLabel(IntakeDialog)
        self.category_label.setObjectName(u"category_label")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.category_label)

        self.category_combo = QComboBox(IntakeDialog)
        self.category_combo.setObjectName(u"category_combo")

        self.form_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.category_combo)

        self.category_error = QLabel(IntakeDialog)
        self.category_error.setObjectName(u"category_error")
        self.category_error.setText(u"")
        self.category_error.setWordWrap(True)
        self.category_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.category_error)

        self.description_label = QLabel(IntakeDialog)
        self.description_label.setObjectName(u"description_label")

        self.form_layout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.description_label)

        self.description_edit = QPlainTextEdit(IntakeDialog)
        self.description_edit.setObjectName(u"description_edit")
        self.description_edit.setTabChangesFocus(True)

        self.form_layout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.description_edit)

        self.description_info_layout = QHBoxLayout()
        self.description_info_layout.setObjectName(u"description_info_layout")
        self.description_error = QLabel(IntakeDialog)
        self.description_error.setObjectName(u"description_error")
        self.description_error.setText(u"")
        self.description_error.setWordWrap(True)
        self.description_error.setTextFormat(Qt.PlainText)

        self.description_info_layout.addWidget(self.description_error)

        self.description_count = QLabel(IntakeDialog)
        self.description_count.setObjectName(u"description_count")
        self.description_count.setText(u"0")
        self.description_count.setAlignment(Qt.AlignRight|Qt.AlignTop)

        self.description_info_layout.addWidget(self.description_count)


        self.form_layout.setLayout(7, QFormLayout.ItemRole.FieldRole, self.description_info_layout)

        self.unit_label = QLabel(IntakeDialog)
        self.unit_label.setObjectName(u"unit_label")

        self.form_layout.setWidget(8, QFormLayout.ItemRole.LabelRole, self.unit_label)

        self.unit_combo = QComboBox(IntakeDialog)
        self.unit_combo.setObjectName(u"unit_combo")
        self.unit_combo.setEditable(True)
        self.unit_combo.setInsertPolicy(QComboBox.NoInsert)
        self.unit_combo.setMaxVisibleItems(12)

        self.form_layout.setWidget(8, QFormLayout.ItemRole.FieldRole, self.unit_combo)

        self.unit_error = QLabel(IntakeDialog)
        self.unit_error.setObjectName(u"unit_error")
        self.unit_error.setText(u"")
        self.unit_error.setWordWrap(True)
        self.unit_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(9, QFormLayout.ItemRole.FieldRole, self.unit_error)

        self.address_label = QLabel(IntakeDialog)
        self.address_label.setObjectName(u"address_label")

        self.form_layout.setWidget(10, QFormLayout.ItemRole.LabelRole, self.address_label)

        self.address_edit = QLineEdit(IntakeDialog)
        self.address_edit.setObjectName(u"address_edit")
        self.address_edit.setMaxLength(300)

        self.form_layout.setWidget(10, QFormLayout.ItemRole.FieldRole, self.address_edit)

        self.address_error = QLabel(IntakeDialog)
        self.address_error.setObjectName(u"address_error")
        self.address_error.setText(u"")
        self.address_error.setWordWrap(True)
        self.address_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(11, QFormLayout.ItemRole.FieldRole, self.address_error)

        self.point_label = QLabel(IntakeDialog)
        self.point_label.setObjectName(u"point_label")

        self.form_layout.setWidget(12, QFormLayout.ItemRole.LabelRole, self.point_label)

        self.point_layout = QHBoxLayout()
        self.point_layout.setObjectName(u"point_layout")
        self.point_value = QLabel(IntakeDialog)
        self.point_value.setObjectName(u"point_value")
        self.point_value.setWordWrap(True)
        self.point_value.setTextFormat(Qt.PlainText)
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.point_value.sizePolicy().hasHeightForWidth())
        self.point_value.setSizePolicy(sizePolicy)

        self.point_layout.addWidget(self.point_value)

        self.clear_point_button = QPushButton(IntakeDialog)
        self.clear_point_button.setObjectName(u"clear_point_button")
        self.clear_point_button.setAutoDefault(False)

        self.point_layout.addWidget(self.clear_point_button)


        self.form_layout.setLayout(12, QFormLayout.ItemRole.FieldRole, self.point_layout)

        self.location_error = QLabel(IntakeDialog)
        self.location_error.setObjectName(u"location_error")
        self.location_error.setText(u"")
        self.location_error.setWordWrap(True)
        self.location_error.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(13, QFormLayout.ItemRole.FieldRole, self.location_error)

        self.priority_label = QLabel(IntakeDialog)
        self.priority_label.setObjectName(u"priority_label")

        self.form_layout.setWidget(14, QFormLayout.ItemRole.LabelRole, self.priority_label)

        self.priority_combo = QComboBox(IntakeDialog)
        self.priority_combo.setObjectName(u"priority_combo")

        self.form_layout.setWidget(14, QFormLayout.ItemRole.FieldRole, self.priority_combo)

        self.call_label = QLabel(IntakeDialog)
        self.call_label.setObjectName(u"call_label")

        self.form_layout.setWidget(15, QFormLayout.ItemRole.LabelRole, self.call_label)

        self.call_value = QLabel(IntakeDialog)
        self.call_value.setObjectName(u"call_value")
        self.call_value.setText(u"")
        self.call_value.setTextFormat(Qt.PlainText)

        self.form_layout.setWidget(15, QFormLayout.ItemRole.FieldRole, self.call_value)

        self.callback_check = QCheckBox(IntakeDialog)
        self.callback_check.setObjectName(u"callback_check")

        self.form_layout.setWidget(16, QFormLayout.ItemRole.LabelRole, self.callback_check)

        self.callback_edit = QDateTimeEdit(IntakeDialog)
        self.callback_edit.setObjectName(u"callback_edit")
        self.callback_edit.setEnabled(False)
        self.callback_edit.setCalendarPopup(True)
        self.callback_edit.setDisplayFormat(u"dd/MM/yyyy HH:mm")

        self.form_layout.setWidget(16, QFormLayout.ItemRole.FieldRole, self.callback_edit)


        self.form_column.addLayout(self.form_layout)

        self.save_error = QLabel(IntakeDialog)
        self.save_error.setObjectName(u"save_error")
        self.save_error.setText(u"")
        self.save_error.setWordWrap(True)
        self.save_error.setTextFormat(Qt.PlainText)

        self.form_column.addWidget(self.save_error)

        self.keys_hint = QLabel(IntakeDialog)
        self.keys_hint.setObjectName(u"keys_hint")
        self.keys_hint.setWordWrap(True)

        self.form_column.addWidget(self.keys_hint)

        self.button_box = QDialogButtonBox(IntakeDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.form_column.addWidget(self.button_box)

        self.form_column.setStretch(1, 1)

        self.main_layout.addLayout(self.form_column)

        self.side_column = QVBoxLayout()
        self.side_column.setObjectName(u"side_column")
        self.map_box = QGroupBox(IntakeDialog)
        self.map_box.setObjectName(u"map_box")
        self.map_layout = QVBoxLayout(self.map_box)
        self.map_layout.setObjectName(u"map_layout")

        self.side_column.addWidget(self.map_box)

        self.duplicates_box = QGroupBox(IntakeDialog)
        self.duplicates_box.setObjectName(u"duplicates_box")
        sizePolicy1 = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        sizePolicy1.setHorizontalStretch(0)
        sizePolicy1.setVerticalStretch(0)
        sizePolicy1.setHeightForWidth(self.duplicates_box.sizePolicy().hasHeightForWidth())
        self.duplicates_box.setSizePolicy(sizePolicy1)
        self.duplicates_box.setMinimumSize(QSize(320, 0))
        self.duplicates_layout = QVBoxLayout(self.duplicates_box)
        self.duplicates_layout.setObjectName(u"duplicates_layout")

        self.side_column.addWidget(self.duplicates_box)

        self.side_column.setStretch(0, 3)
        self.side_column.setStretch(1, 2)

        self.main_layout.addLayout(self.side_column)

        self.main_layout.setStretch(0, 3)
        self.main_layout.setStretch(1, 2)
#if QT_CONFIG(shortcut)
        self.caller_label.setBuddy(self.caller_edit)
        self.phone_label.setBuddy(self.phone_edit)
        self.category_label.setBuddy(self.category_combo)
        self.description_label.setBuddy(self.description_edit)
        self.unit_label.setBuddy(self.unit_combo)
        self.address_label.setBuddy(self.address_edit)
        self.priority_label.setBuddy(self.priority_combo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.caller_edit, self.phone_edit)
        QWidget.setTabOrder(self.phone_edit, self.category_combo)
        QWidget.setTabOrder(self.category_combo, self.description_edit)
        QWidget.setTabOrder(self.description_edit, self.unit_combo)
        QWidget.setTabOrder(self.unit_combo, self.address_edit)
        QWidget.setTabOrder(self.address_edit, self.clear_point_button)
        QWidget.setTabOrder(self.clear_point_button, self.priority_combo)
        QWidget.setTabOrder(self.priority_combo, self.callback_check)
        QWidget.setTabOrder(self.callback_check, self.callback_edit)

        self.retranslateUi(IntakeDialog)

        QMetaObject.connectSlotsByName(IntakeDialog)
    # setupUi

    def retranslateUi(self, IntakeDialog):
        IntakeDialog.setWindowTitle(QCoreApplication.translate("IntakeDialog", u"Ti\u1ebfp nh\u1eadn cu\u1ed9c g\u1ecdi \u0111\u01b0\u1eddng d\u00e2y n\u00f3ng \u2014 IOC Console", None))
        self.intro_label.setText(QCoreApplication.translate("IntakeDialog", u"Ghi l\u1ea1i cu\u1ed9c g\u1ecdi th\u00e0nh m\u1ed9t ph\u1ea3n \u00e1nh m\u1edbi. Ph\u1ea3n \u00e1nh \u0111\u01b0\u1ee3c l\u01b0u tr\u00ean m\u00e1y ngay v\u00e0 g\u1eedi l\u00ean m\u00e1y ch\u1ee7 khi c\u00f3 k\u1ebft n\u1ed1i.", None))
        self.caller_label.setText(QCoreApplication.translate("IntakeDialog", u"&H\u1ecd t\u00ean ng\u01b0\u1eddi g\u1ecdi:", None))
        self.caller_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"C\u00f3 th\u1ec3 \u0111\u1ec3 tr\u1ed1ng n\u1ebfu ng\u01b0\u1eddi g\u1ecdi kh\u00f4ng mu\u1ed1n n\u00eau t\u00ean", None))
        self.phone_label.setText(QCoreApplication.translate("IntakeDialog", u"&S\u1ed1 \u0111i\u1ec7n tho\u1ea1i:", None))
        self.phone_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"V\u00ed d\u1ee5: 0905 123 456 ho\u1eb7c 0259 3822 123", None))
        self.category_label.setText(QCoreApplication.translate("IntakeDialog", u"&L\u0129nh v\u1ef1c:", None))
        self.category_combo.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"\u2014 Ch\u1ecdn l\u0129nh v\u1ef1c \u2014", None))
        self.description_label.setText(QCoreApplication.translate("IntakeDialog", u"&N\u1ed9i dung ph\u1ea3n \u00e1nh:", None))
        self.description_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"S\u1ef1 vi\u1ec7c ng\u01b0\u1eddi g\u1ecdi ph\u1ea3n \u00e1nh: c\u00e1i g\u00ec, \u1edf \u0111\u00e2u, t\u1eeb bao gi\u1edd, m\u1ee9c \u0111\u1ed9 \u1ea3nh h\u01b0\u1edfng\u2026", None))
        self.unit_label.setText(QCoreApplication.translate("IntakeDialog", u"\u0110\u1ecba &b\u00e0n (x\u00e3, ph\u01b0\u1eddng):", None))
        self.address_label.setText(QCoreApplication.translate("IntakeDialog", u"\u0110\u1ecb&a ch\u1ec9 c\u1ee5 th\u1ec3:", None))
        self.address_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"S\u1ed1 nh\u00e0, t\u00ean \u0111\u01b0\u1eddng, th\u00f4n, khu ph\u1ed1, \u0111\u1ecba danh g\u1ea7n \u0111\u00f3\u2026", None))
        self.point_label.setText(QCoreApplication.translate("IntakeDialog", u"V\u1ecb tr\u00ed tr\u00ean b\u1ea3n \u0111\u1ed3:", None))
        self.point_value.setText(QCoreApplication.translate("IntakeDialog", u"Ch\u01b0a ch\u1ecdn \u2014 nh\u1ea5p v\u00e0o b\u1ea3n \u0111\u1ed3 \u0111\u1ec3 \u0111\u00e1nh d\u1ea5u v\u1ecb tr\u00ed", None))
        self.clear_point_button.setText(QCoreApplication.translate("IntakeDialog", u"&X\u00f3a \u0111i\u1ec3m", None))
        self.priority_label.setText(QCoreApplication.translate("IntakeDialog", u"M\u1ee9c \u01b0u &ti\u00ean:", None))
        self.call_label.setText(QCoreApplication.translate("IntakeDialog", u"Cu\u1ed9c g\u1ecdi:", None))
        self.callback_check.setText(QCoreApplication.translate("IntakeDialog", u"&G\u1ecdi l\u1ea1i l\u00fac:", None))
        self.keys_hint.setText(QCoreApplication.translate("IntakeDialog", u"Ctrl+Enter: ghi nh\u1eadn \u00b7 Esc: h\u1ee7y \u00b7 Alt + ch\u1eef g\u1ea1ch ch\u00e2n: chuy\u1ec3n \u0111\u1ebfn \u00f4 nh\u1eadp", None))
        self.map_box.setTitle(QCoreApplication.translate("IntakeDialog", u"V\u1ecb tr\u00ed tr\u00ean b\u1ea3n \u0111\u1ed3 (nh\u1ea5p \u0111\u1ec3 \u0111\u00e1nh d\u1ea5u)", None))
        self.duplicates_box.setTitle(QCoreApplication.translate("IntakeDialog", u"Ph\u1ea3n \u00e1nh c\u00f3 th\u1ec3 tr\u00f9ng", None))
    # retranslateUi

