"""On-disk formats of the real datasets; each writer takes rendered samples in index order."""

from keras_fer.data.synthetic.writers.au_frames import AuFramesWriter
from keras_fer.data.synthetic.writers.ckplus_tree import CKPlusTreeWriter
from keras_fer.data.synthetic.writers.class_folders import ClassFoldersWriter
from keras_fer.data.synthetic.writers.fer2013_csv import Fer2013CsvWriter
from keras_fer.data.synthetic.writers.frame_folders import FrameFoldersWriter
from keras_fer.data.synthetic.writers.jaffe_files import JaffeFilesWriter

WRITERS = {
    "fer2013_csv": Fer2013CsvWriter,
    "ckplus_tree": CKPlusTreeWriter,
    "class_folders": ClassFoldersWriter,
    "frame_folders": FrameFoldersWriter,
    "jaffe_files": JaffeFilesWriter,
    "au_frames": AuFramesWriter,
}

__all__ = ["WRITERS"]
