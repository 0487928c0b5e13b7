package dev.csvimport.engine.operation;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The named values one row sets (its attributes, parameters, values to add...), in the order of its
 * columns: a map kept in two arrays, since a row sets a few and is written once. Names are found by
 * identity first (a row's names are its columns' own strings), and through a hash index once there
 * are more than {@value #SCANNED}. Entries are added or replaced, never removed.
 */
public final class Fields<V> extends AbstractMap<String, V> {

  private static final int SCANNED = 8;
  private String[] names;
  private Object[] values;
  private int size;
  private Map<String, Integer> index;

  public Fields() {
    this(8);
  }

  /**
   * @param expected how many entries the map will likely hold (it grows past them)
   */
  public Fields(int expected) {
    names = new String[Math.max(1, expected)];
    values = new Object[Math.max(1, expected)];
  }

  @Override
  public V put(String name, V value) {
    int at = indexOf(name);
    if (at >= 0) {
      V old = valueAt(at);
      values[at] = value;
      return old;
    }
    add(name, value);
    return null;
  }

  /**
   * Adds an entry without looking for the name first: for a name the caller knows is not there yet
   * (a header names each thing a row sets once).
   */
  public Fields<V> append(String name, V value) {
    add(name, value);
    return this;
  }

  private void add(String name, V value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
    if (index != null) {
      index.put(name, size - 1);
    } else if (size > SCANNED) {
      index = new HashMap<>();
      for (int i = 0; i < size; i++) {
        index.put(names[i], i);
      }
    }
  }

  @Override
  public V get(Object name) {
    int at = indexOf(name);
    return at < 0 ? null : valueAt(at);
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public int size() {
    return size;
  }

  /** The name of the entry at {@code i}, in insertion order. */
  public String nameAt(int i) {
    return names[i];
  }

  @SuppressWarnings("unchecked")
  public V valueAt(int i) {
    return (V) values[i];
  }

  private int indexOf(Object name) {
    if (index != null) {
      Integer at = index.get(name);
      return at == null ? -1 : at;
    }
    for (int i = 0; i < size; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, V> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int at = next++;
            return new SimpleImmutableEntry<>(names[at], valueAt(at));
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
