package dev.csvimport.engine.check;

import dev.csvimport.engine.read.Excerpt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a cell's text becomes a value. A column is text unless its header declares a type, as in
 * {@code age<int>} or {@code birthday<dd/MM/yyyy HH:mm:ss>}; text is never changed (leading zeros
 * and long ids stay).
 */
public abstract class ValueType {

  public static final ValueType STRING =
      new ValueType("string") {
        @Override
        public Object parse(String cell) {
          return cell;
        }
      };

  public static final ValueType INT =
      new ValueType("int") {
        @Override
        public Object parse(String cell) throws CellError {
          return NumberReader.parseWholeNumber(cell.trim(), "int");
        }

        @Override
        public Object parseChars(CharSequence cell) throws CellError {
          return NumberReader.wholeNumber(cell, "int");
        }
      };

  public static final ValueType FLOAT =
      new ValueType("float") {
        @Override
        public Object parse(String cell) throws CellError {
          return NumberReader.parseDecimal(cell.trim());
        }

        @Override
        public Object parseChars(CharSequence cell) throws CellError {
          return NumberReader.decimal(cell);
        }
      };

  public static final ValueType BOOL =
      new ValueType("bool") {
        @Override
        public Object parse(String cell) throws CellError {
          switch (cell.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "1":
              return Boolean.TRUE;
            case "false":
            case "no":
            case "0":
              return Boolean.FALSE;
            default:
              throw new CellError(Excerpt.quote(cell) + " is not a bool: write true or false");
          }
        }
      };

  public static final ValueType LIST =
      new ValueType("list") {
        @Override
        public Object parse(String cell) throws CellError {
          return List.copyOf(parseList(cell, STRING));
        }
      };

  public static final ValueType PHONE =
      new ValueType("phone") {
        @Override
        public Object parse(String cell) throws CellError {
          String phone = cell.trim();
          int digits = 0;
          for (int i = 0; i < phone.length(); i++) {
            char c = phone.charAt(i);
            if (c >= '0' && c <= '9') {
              digits++;
            } else if (!(c == ' ' || (c == '+' && i == 0))) {
              throw new CellError(
                  Excerpt.quote(cell)
                      + " is not a phone number: use digits only, with an optional leading +");
            }
          }
          if (digits == 0) {
            throw new CellError(
                Excerpt.quote(cell)
                    + " is not a phone number: use digits only, with an optional leading +");
          }
          return phone;
        }
      };

  /** Not declarable: a column named email holds text that must look like an address. */
  public static final ValueType EMAIL =
      new ValueType("email") {
        @Override
        public Object parse(String cell) throws CellError {
          String email = cell.trim();
          // One pass: exactly one @, not first; a dot after it, not next to it and not last; no
          // white space.
          int at = -1;
          int ats = 0;
          int dot = -1;
          boolean valid = true;
          for (int i = 0; valid && i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == '@') {
              at = i;
              ats++;
            } else if (c == '.') {
              dot = i;
            } else if (c <= ' ' || c >= 0x80) {
              valid = !Character.isWhitespace(c);
            }
          }
          valid = valid && ats == 1 && at > 0 && dot > at + 1 && dot < email.length() - 1;
          if (!valid) {
            throw new CellError(
                Excerpt.quote(cell) + " is not an email address like name@example.com");
          }
          return email;
        }
      };

  /** CleverTap's date formats, exactly and case-sensitively as CleverTap spells them. */
  public static final List<String> DATE_FORMATS =
      List.of(
          "dd/MM/yyyy HH:mm:ss",
          "MM/dd/yyyy HH:mm:ss",
          "yyyy/dd/MM HH:mm:ss",
          "yyyy/MM/dd HH:mm:ss",
          "dd MMM yyyy HH:mm:ss");

  private static final List<ValueType> DECLARABLE;

  static {
    List<ValueType> all = new ArrayList<>(List.of(INT, FLOAT, BOOL, STRING, LIST, PHONE));
    DATE_FORMATS.forEach(format -> all.add(new DateType(format)));
    DECLARABLE = List.copyOf(all);
  }

  private final String declaration;

  ValueType(String declaration) {
    this.declaration = declaration;
  }

  /** The type a header declares between angle brackets, if there is one by that exact name. */
  public static Optional<ValueType> declared(String declaration) {
    return DECLARABLE.stream().filter(t -> t.declaration.equals(declaration)).findFirst();
  }

  /** What a header may declare between angle brackets, in the order messages list them. */
  public static List<String> declarations() {
    return DECLARABLE.stream().map(ValueType::declaration).toList();
  }

  /** "int, float, ..." for messages. */
  public static String declarableNames() {
    StringBuilder names = new StringBuilder();
    for (ValueType type : DECLARABLE) {
      names
          .append(names.length() == 0 ? "" : ", ")
          .append('<')
          .append(type.declaration)
          .append('>');
    }
    return names.toString();
  }

  public String declaration() {
    return declaration;
  }

  /** The value of a non-empty cell. */
  public abstract Object parse(String cell) throws CellError;

  /**
   * {@link #parse}'s answer for the characters of a cell, which may be a reader's view of its
   * bytes: the types a file holds by the million read the common forms of their values without a
   * String, and leave every other text to {@link #parse}. {@code ValueTypeTest} holds the two to
   * the same answers.
   */
  public Object parseChars(CharSequence cell) throws CellError {
    return parse(cell.toString());
  }

  @Override
  public String toString() {
    return declaration;
  }

  /** {@code [a, b, c]} with each element read as {@code elementType}; "[]" is the empty list. */
  static List<Object> parseList(String cell, ValueType elementType) throws CellError {
    String list = cell.trim();
    if (list.length() < 2 || list.charAt(0) != '[' || list.charAt(list.length() - 1) != ']') {
      throw new CellError(Excerpt.quote(cell) + " is not a list: write it as [a, b, c]");
    }
    List<Object> values = new ArrayList<>();
    String inner = list.substring(1, list.length() - 1);
    if (inner.isBlank()) {
      return values;
    }
    for (String element : inner.split(",", -1)) {
      String item = element.trim();
      if (item.isEmpty()) {
        throw new CellError(Excerpt.quote(cell) + " has an empty element: write it as [a, b, c]");
      }
      values.add(elementType.parse(item));
    }
    return values;
  }
}
