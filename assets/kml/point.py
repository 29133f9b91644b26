# Draws the KML point icon: a white disc with a dark rim, 32 x 32 pixels, which Google Earth
# tints with each placemark's IconStyle colour.
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.PyQt.QtGui import QImage, QPainter, QColor, QBrush, QPen
from qgis.PyQt.QtCore import Qt
from qgis.core import QgsApplication
app = QgsApplication([], False)
im = QImage(32, 32, QImage.Format_ARGB32)
im.fill(Qt.transparent)
p = QPainter(im)
p.setRenderHint(QPainter.Antialiasing)
p.setBrush(QBrush(QColor(255, 255, 255)))
p.setPen(QPen(QColor(255, 255, 255), 0))
p.drawEllipse(2, 2, 28, 28)
p.end()
im.save(sys.argv[1])
