# Load a BlinaTrial EDC snapshot into R data frames, typed by its data dictionary (base R; haven optional).
#
#   source("analysis/load_snapshot.R")
#   data <- load_snapshot(".")          # list: data$participants, data$adsl, data[["sdtm/dm"]], ...
#   adsl <- read_labelled("analysis/adsl.sav")   # with haven installed: SPSS/Stata files with their labels
#
# Every CSV described in data_dictionary.csv is read as text, then: integer -> integer, decimal/float/duration
# -> numeric, boolean -> logical, date -> Date, datetime -> POSIXct (UTC), code -> factor whose levels are the
# dictionary's codes and whose labels are their words. A text or code cell starting with an apostrophe was
# escaped against spreadsheet formulas: one leading apostrophe is removed. Column labels are kept in the
# "label" attribute of each column.

.codes <- function(allowed) {
  parts <- trimws(strsplit(allowed, ";", fixed = TRUE)[[1]])
  parts <- parts[nzchar(parts)]
  codes <- trimws(sub("=.*$", "", parts))
  words <- ifelse(grepl("=", parts, fixed = TRUE), trimws(sub("^[^=]*=", "", parts)), codes)
  stats::setNames(words, codes)
}

.typed <- function(frame, entries) {
  for (i in seq_len(nrow(entries))) {
    column <- entries$column[i]
    kind <- entries$type[i]
    if (!column %in% names(frame)) next
    cells <- frame[[column]]
    cells[cells == ""] <- NA
    if (kind %in% c("text", "code")) cells <- sub("^'", "", cells)
    value <- switch(kind,
      integer = as.integer(cells),
      decimal = as.numeric(cells), float = as.numeric(cells), duration = as.numeric(cells),
      boolean = cells == "true",
      date = as.Date(cells),
      datetime = as.POSIXct(sub("Z$", "", cells), format = "%Y-%m-%dT%H:%M:%OS", tz = "UTC"),
      code = {
        codes <- if (nzchar(entries$allowed_values[i])) .codes(entries$allowed_values[i]) else character(0)
        if (length(codes)) {
          levels <- c(names(codes), setdiff(sort(unique(stats::na.omit(cells))), names(codes)))
          factor(cells, levels = levels, labels = c(codes, setdiff(levels, names(codes))))
        } else cells
      },
      cells
    )
    attr(value, "label") <- entries$label[i]
    frame[[column]] <- value
  }
  frame
}

load_snapshot <- function(folder = ".") {
  dictionary <- utils::read.csv(file.path(folder, "data_dictionary.csv"), colClasses = "character",
                                na.strings = character(0), encoding = "UTF-8")
  frames <- list()
  for (name in unique(dictionary$file)) {
    path <- file.path(folder, name)
    if (!file.exists(path)) next
    frame <- utils::read.csv(path, colClasses = "character", na.strings = character(0), encoding = "UTF-8",
                             check.names = FALSE)
    frames[[sub("\\.csv$", "", name)]] <- .typed(frame, dictionary[dictionary$file == name, ])
  }
  frames
}

read_labelled <- function(path) {
  if (!requireNamespace("haven", quietly = TRUE)) stop("read_labelled needs the haven package")
  if (grepl("\\.dta$", path)) haven::read_dta(path) else haven::read_sav(path)
}
