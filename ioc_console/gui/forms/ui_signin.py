# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'signin.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QProgressBar, QSizePolicy, QSpacerItem, QToolButton,
    QVBoxLayout, QWidget)

class Ui_SignInDialog(object):
    def setupUi(self, SignInDialog):
        if not SignInDialog.objectName():
            SignInDialog.setObjectName(u"SignInDialog")
        SignInDialog.resize(520, 360)
        self.main_layout = QVBoxLayout(SignInDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.intro_label = QLabel(SignInDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.main_layout.addWidget(self.intro_label)

        self.form_layout = QFormLayout()
        self.form_layout.setObjectName(u"form_layout")
        self.form_layout.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        self.hub_label = QLabel(SignInDialog)
        self.hub_label.setObjectName(u"hub_label")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.hub_label)

        self.hub_edit = QLineEdit(SignInDialog)
        self.hub_edit.setObjectName(u"hub_edit")
        self.hub_edit.setPlaceholderText(u"https://ioc.ninhthuan.gov.vn")

        self.form_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.hub_edit)

        self.user_label = QLabel(SignInDialog)
        self.user_label.setObjectName(u"user_label")

        self.form_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.user_label)

        self.user_edit = QLineEdit(SignInDialog)
        self.user_edit.setObjectName(u"user_edit")
        self.user_edit.setMaxLength(100)

        self.form_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.user_edit)

        self.password_label = QLabel(SignInDialog)
        self.password_label.setObjectName(u"password_label")

        self.form_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.password_label)

        self.password_edit = QLineEdit(SignInDialog)
        self.password_edit.setObjectName(u"password_edit")
        self.password_edit.setMaxLength(1024)
        self.password_edit.setEchoMode(QLineEdit.Password)

        self.form_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.password_edit)

        self.ca_label = QLabel(SignInDialog)
        self.ca_label.setObjectName(u"ca_label")

        self.form_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.ca_label)

        self.ca_layout = QHBoxLayout()
        self.ca_layout.setObjectName(u"ca_layout")
        self.ca_edit = QLineEdit(SignInDialog)
        self.ca_edit.setObjectName(u"ca_edit")

        self.ca_layout.addWidget(self.ca_edit)

        self.ca_button = QToolButton(SignInDialog)
        self.ca_button.setObjectName(u"ca_button")
        self.ca_button.setText(u"\u2026")

        self.ca_layout.addWidget(self.ca_button)


        self.form_layout.setLayout(3, QFormLayout.ItemRole.FieldRole, self.ca_layout)


        self.main_layout.addLayout(self.form_layout)

        self.keyring_label = QLabel(SignInDialog)
        self.keyring_label.setObjectName(u"keyring_label")
        self.keyring_label.setText(u"")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.main_layout.addWidget(self.keyring_label)

        self.error_label = QLabel(SignInDialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setText(u"")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.main_layout.addWidget(self.error_label)

        self.busy_bar = QProgressBar(SignInDialog)
        self.busy_bar.setObjectName(u"busy_bar")
        self.busy_bar.setMaximum(0)
        self.busy_bar.setTextVisible(False)

        self.main_layout.addWidget(self.busy_bar)

        self.bottom_spacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.main_layout.addItem(self.bottom_spacer)

        self.button_box = QDialogButtonBox(SignInDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.main_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.hub_label.setBuddy(self.hub_edit)
        self.user_label.setBuddy(self.user_edit)
        self.password_label.setBuddy(self.password_edit)
        self.ca_label.setBuddy(self.ca_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.hub_edit, self.user_edit)
        QWidget.setTabOrder(self.user_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.ca_edit)
        QWidget.setTabOrder(self.ca_edit, self.ca_button)

        self.retranslateUi(SignInDialog)

        QMetaObject.connectSlotsByName(SignInDialog)
    # setupUi

    def retranslateUi(self, SignInDialog):
        SignInDialog.setWindowTitle(QCoreApplication.translate("SignInDialog", u"\u0110\u0103ng nh\u1eadp \u2014 IOC Console", None))
        self.intro_label.setText(QCoreApplication.translate("SignInDialog", u"\u0110\u0103ng nh\u1eadp v\u00e0o m\u00e1y ch\u1ee7 IOC c\u1ee7a t\u1ec9nh \u0111\u1ec3 nh\u1eadn v\u00e0 x\u1eed l\u00fd ph\u1ea3n \u00e1nh.", None))
        self.hub_label.setText(QCoreApplication.translate("SignInDialog", u"\u0110\u1ecba ch\u1ec9 &m\u00e1y ch\u1ee7:", None))
        self.user_label.setText(QCoreApplication.translate("SignInDialog", u"&T\u00ean \u0111\u0103ng nh\u1eadp:", None))
        self.password_label.setText(QCoreApplication.translate("SignInDialog", u"M\u1eadt &kh\u1ea9u:", None))
        self.ca_label.setText(QCoreApplication.translate("SignInDialog", u"Ch\u1ee9ng ch\u1ec9 &CA ri\u00eang:", None))
        self.ca_edit.setPlaceholderText(QCoreApplication.translate("SignInDialog", u"Kh\u00f4ng b\u1eaft bu\u1ed9c: t\u1ec7p .pem c\u1ee7a c\u01a1 quan", None))
#if QT_CONFIG(tooltip)
        self.ca_button.setToolTip(QCoreApplication.translate("SignInDialog", u"Ch\u1ecdn t\u1ec7p ch\u1ee9ng ch\u1ec9 (CA) c\u1ee7a c\u01a1 quan", None))
#endif // QT_CONFIG(tooltip)
    # retranslateUi

